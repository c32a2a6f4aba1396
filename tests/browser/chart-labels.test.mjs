// The simulator's sequence chart writes no word over another (a newcomer's review: at 360x740
// "s2 SYN,ACK seq=0 ack=1" ran over both "RTO 1.00 s" labels and into SYN_RCVD; in the
// 700x500 embed "s1 SYN seq=0" lay over "RTO 1.00 s"), and every word is 11 px or more on
// screen: measured on the real text boxes, each turned as drawn, at 1366x768, 360x740 and the
// embed, in English and Chinese. The model's own test is model/chart_band.rs.
// And the congestion views say what their x axis is: events, not "0.000s", for a run whose
// clock never moved (fast-retransmit by hand), with the time-sequence graph's ticks >= 11 px
// at 360 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, actOnSeg, appReady, assertNoProblems, base64url, expectStates, openPage, peerCall, screenshot, useApp, withGeometry,
} from './helpers.mjs';

const app = useApp();
const NAME = 'chart-labels';
const scenario = (name) => readFileSync(join(ROOT, 'scenarios', `${name}.tcps`), 'utf8');
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 360, height: 740 };
const EMBED = { width: 700, height: 500 };

/**
 * Every pair of the chart's words that overlap on screen, and every word under 11 px. Each
 * text is its glyph box turned as drawn (segment labels lie along their arrows), shrunk by
 * half a pixel: touching is not overlapping.
 */
async function measure(page) {
  await withGeometry(page);
  return page.evaluate(() => {
    const svg = document.querySelector('.chart .chart-svg');
    const { toScreen, intersect } = window.synackGeometry;
    const texts = [];
    const small = [];
    for (const t of svg.querySelectorAll('text')) {
      if (t.textContent.trim() === '') continue;
      const m = t.getScreenCTM();
      const scale = Math.hypot(m.a, m.b);
      for (const el of [t, ...t.querySelectorAll('tspan')]) {
        const px = parseFloat(getComputedStyle(el).fontSize) * scale;
        if (px < 10.95) small.push(`"${el.textContent.trim()}" ${px.toFixed(1)} px`);
      }
      // A label of two lines is one box around both, as the layout model reckons it.
      const b = t.getBBox();
      const i = 0.5;
      const poly = [[b.x + i, b.y + i], [b.x + b.width - i, b.y + i], [b.x + b.width - i, b.y + b.height - i], [b.x + i, b.y + b.height - i]]
        .map(([x, y]) => toScreen(t, x, y));
      texts.push({ name: t.textContent.trim(), poly });
    }
    const found = [];
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (intersect(texts[i].poly, texts[j].poly)) found.push(`"${texts[i].name}" × "${texts[j].name}"`);
      }
    }
    return { found, small, texts: texts.length };
  });
}

/** A link with a script opens in the language it was made in: switch with the header's toggle. */
async function ensureLang(page, lang) {
  const isZh = () => page.evaluate(() => document.documentElement.lang.startsWith('zh'));
  // A click before the page has wired its toggle does nothing: try again.
  for (let i = 0; lang === 'zh' && !(await isZh()) && i < 3; i++) {
    await page.getByTestId('lang-toggle').click();
    await page.waitForFunction(() => document.documentElement.lang.startsWith('zh'), null, { timeout: 3000 }).catch(() => {});
  }
  if (lang === 'zh') assert.ok(await isZh(), 'the page is in Chinese');
}

async function assertClear(page, what, least = 3) {
  // Let the arrows' draw-in transition and a re-render after measuring settle.
  await page.waitForTimeout(300);
  const m = await measure(page);
  assert.ok(m.texts >= least, `${what}: ${m.texts} words measured`);
  assert.deepEqual(m.found, [], `${what}: words that overlap`);
  assert.deepEqual(m.small, [], `${what}: words under 11 px`);
  return m;
}

for (const lang of ['en', 'zh']) {
  const q = lang === 'zh' ? '?lang=zh' : '';
  for (const viewport of [PHONE, DESKTOP]) {
    const tag = `${viewport.width}x${viewport.height}-${lang}`;
    test(`${tag}: B listen, A connect, deliver the SYN: no chart word covers another`, async () => {
      const page = await openPage(app.browser, `${app.server.url}${q}`, { viewport, colorScheme: 'dark' });
      try {
        await appReady(page);
        await assertClear(page, 'at the start', 2);
        await peerCall(page, 'B', 'listen');
        await peerCall(page, 'A', 'connect');
        await expectStates(page, 'SYN_SENT', 'LISTEN');
        await assertClear(page, 'SYN in flight');
        await actOnSeg(page, 's1', 'deliver');
        await expectStates(page, 'SYN_SENT', 'SYN_RCVD');
        await page.locator('[data-seg="s2"]').waitFor();
        await page.locator('[data-seg="s2"]').scrollIntoViewIfNeeded();
        const m = await assertClear(page, 'SYN delivered, SYN,ACK waiting', 6);
        assert.ok(m.texts >= 8, `the labels of both arrows, both timers and the states: ${m.texts}`);
        await screenshot(page, `${NAME}-first-steps-${tag}`, { fullPage: false });
        assertNoProblems(page);
      } finally {
        await page.close();
      }
    });

    for (const name of ['handshake', 'close-client-first', 'fast-retransmit']) {
      test(`${tag}: scenario ${name} at its end: no chart word covers another`, async () => {
        const url = `${app.server.url}${q}#script=${base64url(scenario(name))}`;
        const page = await openPage(app.browser, url, { viewport });
        try {
          await appReady(page);
          await ensureLang(page, lang);
          await page.locator('.chart [data-seg]').first().waitFor({ timeout: 20000 });
          await assertClear(page, `${name}, at the live end`);
          // And half-way back, where segments wait and timers run.
          await page.keyboard.press('Escape');
          for (let i = 0; i < 4; i++) await page.click('[data-action="back"]');
          await assertClear(page, `${name}, four steps back`);
          if (name === 'fast-retransmit') await screenshot(page, `${NAME}-${name}-${tag}`, { fullPage: false });
          assertNoProblems(page);
        } finally {
          await page.close();
        }
      });
    }
  }

  test(`700x500 embed of lesson 1 (${lang}): steps 1-3 write no word over another`, async () => {
    const page = await openPage(app.browser, `${app.server.url}?${lang === 'zh' ? 'lang=zh&' : ''}embed=1&lesson=01-handshake&step=1`, { viewport: EMBED, colorScheme: 'dark' });
    try {
      await appReady(page);
      await page.getByTestId('lesson-panel').waitFor();
      // The embed shows no peer panels: wait for the chart's own state names.
      const chartSays = (state) => page.waitForFunction((s) => [...document.querySelectorAll('.chart .state-label')]
        .some((t) => t.textContent === s), state, { timeout: 10000 });
      await chartSays('LISTEN');
      await assertClear(page, 'step 1', 2);
      await page.getByTestId('lesson-next').click();
      await chartSays('SYN_SENT');
      await assertClear(page, 'step 2: the SYN in flight, A\'s RTO running');
      await screenshot(page, `${NAME}-embed-step2-${lang}`, { fullPage: false });
      await page.getByTestId('lesson-next').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="lesson-step"]')?.getAttribute('data-step') === '3', null, { timeout: 10000 });
      await assertClear(page, 'step 3');
      await screenshot(page, `${NAME}-embed-step3-${lang}`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}

for (const [viewport, lang] of [[DESKTOP, 'en'], [PHONE, 'zh']]) {
  test(`${viewport.width} px ${lang}: fast-retransmit by hand counts events on the congestion views' axis, ticks >= 11 px`, async () => {
    const url = `${app.server.url}${lang === 'zh' ? '?lang=zh' : ''}#script=${base64url(`set cc newreno\n${scenario('fast-retransmit')}`)}`;
    const page = await openPage(app.browser, url, { viewport });
    try {
      await appReady(page);
      await ensureLang(page, lang);
      await page.click('[data-action="run"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="cc-toggle"]')?.getAttribute('aria-expanded') === 'true');
      const strip = page.getByTestId('cc-strip-A');
      await strip.waitFor({ timeout: 20000 });
      const axis = await page.getByTestId('cc-axis-A').innerText();
      const events = lang === 'zh' ? /事件 1 到 \d+/ : /events 1 to \d+/;
      assert.match(axis, events, 'the strip says its axis counts events');
      assert.match(axis, /0\.000s/, 'and at which time the clock stood');
      const mark = await strip.locator('[data-mark="fast_retransmit"]').innerText();
      assert.doesNotMatch(mark, /^0\.000s/, `the marker is not placed at "0.000s": ${mark}`);
      assert.match(mark, lang === 'zh' ? /^事件 \d+/ : /^event \d+/);
      const tseq = page.getByTestId('cc-tseq-A');
      await tseq.scrollIntoViewIfNeeded();
      const ticks = await tseq.evaluate((s) => [...s.querySelectorAll('svg .tick')].map((t) => ({
        text: t.textContent,
        px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
      })));
      assert.match(ticks.at(-1).text, lang === 'zh' ? /^事件 \d+$/ : /^event \d+$/, 'the graph\'s last tick is an event');
      for (const t of ticks) assert.ok(t.px >= 10.95, `tick "${t.text}" is ${t.px.toFixed(1)} px`);
      await screenshot(page, `${NAME}-cc-axis-${viewport.width}-${lang}`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}
