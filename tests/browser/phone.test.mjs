// A 360x740 phone: the diagram shows all eleven states within the screen's width with names
// readable, lesson 1's answer SYN_RCVD is on screen, and no control is under 44 px tall.
// Screenshots in light and dark, English and Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady, assertNoProblems, openPage, screenshot, useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'phone';
const PHONE = { width: 360, height: 740 };

/** Every state node's box, and its name's font size on screen. */
function stateBoxes(page) {
  return page.evaluate(() => [...document.querySelectorAll('.diagram-panel [data-state-node]')].map((g) => {
    const r = g.querySelector('.box').getBoundingClientRect();
    const name = g.querySelector('.node-name');
    const n = name.getBoundingClientRect();
    const svg = g.ownerSVGElement;
    // The name's size on screen: its font size in the viewBox times the SVG's scale.
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return {
      state: g.getAttribute('data-state-node'),
      left: Math.round(r.left),
      right: Math.round(r.right),
      top: Math.round(r.top),
      bottom: Math.round(r.bottom),
      px: Math.round(parseFloat(getComputedStyle(name).fontSize) * scale * 10) / 10,
      nameFits: n.width <= r.width,
    };
  }));
}

/**
 * Controls shorter than 44 px: HTML buttons, selects, summaries, text fields and checkbox
 * labels that are shown. Links inside a sentence (`button.link`) are left out: WCAG 2.5.8
 * exempts targets in a line of text, and a 44 px line would break the paragraph.
 */
function smallTargets(page) {
  return page.evaluate(() => {
    const sel = 'button:not(.link):not(.linkish), select, summary, input[type="text"], label.toggle';
    return [...document.querySelectorAll(sel)]
      .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => ({ el, h: el.getBoundingClientRect().height }))
      .filter(({ h }) => h < 43.5)
      .map(({ el, h }) => `${el.tagName.toLowerCase()}${el.getAttribute('data-action') ? `[${el.getAttribute('data-action')}]` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "${el.textContent.trim().slice(0, 20)}" ${Math.round(h)}px`);
  });
}

for (const scheme of ['light', 'dark']) {
  for (const lang of ['en', 'zh']) {
    const tag = `${scheme}-${lang}`;
    test(`360x740 ${tag}: all 11 states within the width, readable, no control under 44 px`, async () => {
      const page = await openPage(app.browser, `${app.server.url}${lang === 'zh' ? '?lang=zh' : ''}`, {
        viewport: PHONE, colorScheme: scheme, hasTouch: true, isMobile: true,
      });
      try {
        await appReady(page);
        if (lang === 'zh') await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
        await page.locator('.diagram.compact').waitFor();
        const boxes = await stateBoxes(page);
        assert.equal(boxes.length, 11, 'eleven states');
        const outside = boxes.filter((b) => b.left < 0 || b.right > PHONE.width);
        assert.deepEqual(outside, [], 'states past the screen\'s edges');
        for (const b of boxes) {
          assert.ok(b.px >= 10.5, `${b.state}'s name is ${b.px} px on screen, too small to read`);
          assert.ok(b.nameFits, `${b.state}'s name overflows its box`);
        }
        const small = await smallTargets(page);
        assert.deepEqual(small, [], 'controls under 44 px tall');
        await screenshot(page, `${NAME}-${tag}-01-top`, { fullPage: false });
        await page.locator('.diagram-panel').scrollIntoViewIfNeeded();
        await screenshot(page, `${NAME}-${tag}-02-diagram`, { fullPage: false });
        assertNoProblems(page);
      } finally {
        await page.close();
      }
    });
  }
}

test('360x740: in lesson 1 the answer SYN_RCVD is on screen when the question is asked', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lesson=01-handshake`, {
    viewport: PHONE, hasTouch: true, isMobile: true,
  });
  try {
    await appReady(page);
    await page.getByTestId('lesson-panel').waitFor();
    // Next until the lesson asks which state B is in.
    for (let i = 0; i < 10 && !(await page.locator('.diagram-panel.asking').count()); i++) {
      await page.getByTestId('lesson-next').click();
    }
    await page.locator('.diagram-panel.asking').waitFor();
    const node = page.locator('[data-state-node="SYN_RCVD"]');
    await node.scrollIntoViewIfNeeded();
    const box = await node.locator('.box').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `SYN_RCVD is within the width: ${JSON.stringify(box)}`);
    assert.ok(box.y >= 0 && box.y + box.height <= PHONE.height, `SYN_RCVD is on screen: ${JSON.stringify(box)}`);
    await screenshot(page, `${NAME}-lesson-question`, { fullPage: false });
    await node.click();
    await page.getByTestId('lesson-feedback').waitFor();
    assert.equal(await page.getByTestId('lesson-feedback').getAttribute('data-correct'), 'true');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});
