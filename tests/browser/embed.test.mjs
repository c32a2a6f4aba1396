// The embed (?embed=1) in a 700x500 frame: the page never scrolls (only the chart, inside its
// panel), the diagram and the chart get most of the frame with all eleven states in view, and
// Reset goes back to the link's start (a lesson's step, the link's script), never to two
// CLOSED peers with no buttons. web/embed-example.html's frame does not scroll either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady, assertNoProblems, eventually, openPage, screenshot, useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'embed';
const FRAME = { width: 700, height: 500 };

/** Both peers' states, read from the diagram (an embed has no peer panels). */
function expectStates(page, A, B, message = `expected A ${A}, B ${B}`) {
  const read = () => page.evaluate(() => {
    const at = (p) => document.querySelector(`.diagram-panel .node.at-${p}`)?.getAttribute('data-state-node') ?? null;
    return { A: at('a'), B: at('b') };
  });
  return eventually(read, { A, B }, message);
}

/** How the page fills the frame. */
function fill(page) {
  return page.evaluate(() => {
    const area = (sel) => {
      const r = document.querySelector(sel)?.getBoundingClientRect();
      return r ? Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0)) * r.width : 0;
    };
    const states = [...document.querySelectorAll('.diagram-panel [data-state-node] .box')].map((b) => b.getBoundingClientRect());
    return {
      scrollHeight: document.documentElement.scrollHeight,
      scrollWidth: document.documentElement.scrollWidth,
      share: (area('.diagram-panel') + area('.chart-panel')) / (innerWidth * innerHeight),
      states: states.length,
      statesOut: states.filter((r) => r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight).length,
    };
  });
}

async function assertFits(page, what) {
  const f = await fill(page);
  assert.ok(f.scrollHeight <= FRAME.height, `${what}: the page is ${f.scrollHeight} px tall in a ${FRAME.height} px frame`);
  assert.ok(f.scrollWidth <= FRAME.width, `${what}: the page is ${f.scrollWidth} px wide`);
  assert.equal(f.states, 11, `${what}: eleven states`);
  assert.equal(f.statesOut, 0, `${what}: states outside the frame`);
  assert.ok(f.share >= 0.5, `${what}: the diagram and chart take ${Math.round(f.share * 100)}% of the frame`);
  return f;
}

for (const scheme of ['light', 'dark']) {
  for (const lang of ['en', 'zh']) {
    test(`700x500 embed, ${scheme} ${lang}: no page scrolling, diagram and chart fill it, Reset returns to the start`, async () => {
      const q = `${lang === 'zh' ? 'lang=zh&' : ''}embed=1`;
      const page = await openPage(app.browser, `${app.server.url}?${q}`, { viewport: FRAME, colorScheme: scheme });
      try {
        await appReady(page);
        if (lang === 'zh') await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
        await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
        await page.locator('.diagram.compact').waitFor();
        await assertFits(page, 'the default embed');
        await screenshot(page, `${NAME}-${scheme}-${lang}-01-default`, { fullPage: false });

        // Reset in an embed: back to the link's start (the default scenario), not to nothing.
        await page.click('[data-action="back"]');
        await page.click('[data-action="reset"]');
        await expectStates(page, 'ESTABLISHED', 'ESTABLISHED', 'Reset in an embed returns to the link\'s run');
        assert.ok((await page.locator('[data-seg]').count()) > 0, 'the run\'s arrows are back');
        assertNoProblems(page);
      } finally {
        await page.close();
      }
    });
  }
}

test('700x500 embed of lesson 1: no page scrolling, and Reset returns to the lesson\'s first step', async () => {
  const page = await openPage(app.browser, `${app.server.url}?embed=1&lesson=01-handshake&step=1`, { viewport: FRAME });
  try {
    await appReady(page);
    await page.getByTestId('lesson-panel').waitFor();
    await expectStates(page, 'CLOSED', 'LISTEN');
    await page.locator('.diagram.compact').waitFor();
    await assertFits(page, 'lesson 1 embedded');
    await screenshot(page, `${NAME}-lesson-01-start`, { fullPage: false });
    await page.getByTestId('lesson-next').click();
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    await assertFits(page, 'lesson 1, step 2');
    await page.click('[data-action="reset"]');
    await expectStates(page, 'CLOSED', 'LISTEN', 'Reset returns to the lesson\'s first step');
    await page.getByTestId('lesson-panel').waitFor();
    assert.equal(await page.getByTestId('lesson-step').getAttribute('data-step'), '1');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('web/embed-example.html: at 1366x768 neither the page nor its frame scrolls (360x740: screenshot)', async () => {
  for (const viewport of [{ width: 1366, height: 768 }, { width: 360, height: 740 }]) {
    const page = await openPage(app.browser, `${app.server.url}embed-example.html`, { viewport });
    try {
      const frame = page.frameLocator('iframe');
      await frame.locator('[data-testid="lesson-panel"]').waitFor({ timeout: 20000 });
      await frame.locator('[data-state-node="CLOSED"]').waitFor();
      const inner = await page.frames()[1].evaluate(() => ({
        scroll: document.documentElement.scrollHeight,
        client: document.documentElement.clientHeight,
      }));
      // Under 600 px the frame is a phone's column: the embed stacks and scrolls inside, as a
      // phone page would.
      if (viewport.width >= 600) {
        assert.ok(inner.scroll <= inner.client, `the frame's page is ${inner.scroll} px tall in ${inner.client} px`);
        const outer = await page.evaluate(() => document.documentElement.scrollHeight);
        assert.ok(outer <= viewport.height, `the example page is ${outer} px tall at ${viewport.height}`);
      }
      await screenshot(page, `${NAME}-example-${viewport.width}`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  }
});

/** The smallest state name on the diagram, in CSS px as drawn (its font size times the SVG's
 * scale). */
function smallestStateName(page) {
  return page.evaluate(() => Math.min(...[...document.querySelectorAll('.diagram-panel [data-state-node] .node-name')]
    .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)));
}

// A teacher's course page: lesson 1's question (step 3) answered in a 700x500 frame. The
// panel's words and the verdict must not squeeze the diagram: its state names stay readable.
for (const [scheme, lang] of [['light', 'en'], ['dark', 'zh'], ['light', 'zh'], ['dark', 'en']]) {
  test(`700x500 embed of lesson 1, ${scheme} ${lang}: after answering step 3 the state names are at least 11 px`, async () => {
    const q = `${lang === 'zh' ? 'lang=zh&' : ''}embed=1&lesson=01-handshake&step=3`;
    const page = await openPage(app.browser, `${app.server.url}?${q}`, { viewport: FRAME, colorScheme: scheme });
    try {
      await appReady(page);
      if (lang === 'zh') await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
      await page.getByTestId('lesson-question').waitFor({ timeout: 10000 });
      await page.locator('.diagram.compact').waitFor();
      const asked = await smallestStateName(page);
      assert.ok(asked >= 11, `the question: state names ${asked.toFixed(1)} px`);
      await page.locator('[data-state-node="SYN_RCVD"]').click();
      await page.getByTestId('lesson-feedback').waitFor({ timeout: 10000 });
      await expectStates(page, 'SYN_SENT', 'SYN_RCVD');
      const answered = await smallestStateName(page);
      assert.ok(answered >= 11, `after the answer: state names ${answered.toFixed(1)} px`);
      await assertFits(page, 'lesson 1, step 3 answered');
      // The panel's words are all reachable: they scroll inside it, Next on its first row.
      const next = await page.getByTestId('lesson-next').boundingBox();
      assert.ok(next && next.y >= 0 && next.y + next.height <= FRAME.height, 'Next is in the frame');
      await screenshot(page, `${NAME}-lesson-answered-${scheme}-${lang}`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}
