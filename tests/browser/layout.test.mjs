// Layout and the small things of issue 10: one screen at 1366×768 (diagram, chart and both
// peers' main buttons without scrolling, at rest and in lesson 1); a clock that says what
// its time is and why it stands still in manual delivery, and speeds that say what they mean;
// a bad script line marked in the editor; chart labels of readable size that do not overlap;
// Share and Copy embed code that stay put when the field appears.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appReady, assertNoProblems, eventually, expectSegs, expectStates, freshApp, handshakeByClicks,
  openPage, peerCall, screenshot, scriptText, SETTLE_MS, useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'layout';
const DESKTOP = { width: 1366, height: 768 };

/** The boxes of what must be on screen without scrolling, and which are not fully inside. */
async function offScreen(page) {
  return page.evaluate(() => {
    const want = [
      '.diagram-panel .diagram > svg',
      '.chart-panel .chart',
      ...['A', 'B'].flatMap((p) => ['listen', 'connect', 'send', 'close'].map((a) => `[data-peer="${p}"] [data-action="${a}"]`)),
      ...[...document.querySelectorAll('[data-state-node]')].map((n) => `[data-state-node="${n.dataset.stateNode}"]`),
    ];
    const out = [];
    for (const sel of want) {
      const el = document.querySelector(sel);
      if (!el) {
        out.push(`${sel}: missing`);
        continue;
      }
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) {
        out.push(`${sel}: ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return { out, scrollY, nodes: document.querySelectorAll('[data-state-node]').length };
  });
}

async function assertOneScreen(page, what) {
  const { out, scrollY, nodes } = await offScreen(page);
  assert.equal(scrollY, 0, `${what}: the page has not scrolled`);
  assert.equal(nodes, 11, `${what}: eleven states`);
  assert.deepEqual(out, [], `${what}: inside ${DESKTOP.width}×${DESKTOP.height}`);
  // The chart is worth having: some rows of it, not a sliver.
  const chart = await page.locator('.chart-panel .chart').boundingBox();
  assert.ok(chart.height >= 128, `${what}: the chart is ${chart.height} px tall`);
}

for (const [scheme, lang] of [['light', 'en'], ['dark', 'zh']]) {
  test(`one screen at 1366×768 (${scheme}, ${lang}): diagram, chart and both peers' buttons, at rest and after a handshake`, async () => {
    const page = await openPage(app.browser, `${app.server.url}${lang === 'zh' ? '?lang=zh' : ''}`, { viewport: DESKTOP, colorScheme: scheme });
    try {
      await appReady(page);
      if (lang === 'zh') await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
      await page.click('[data-action="reset"]');
      await expectStates(page, 'CLOSED', 'CLOSED');
      await page.getByTestId('coach').waitFor({ timeout: SETTLE_MS });
      await assertOneScreen(page, 'at rest, with the first steps');
      await screenshot(page, `${NAME}-1366-${scheme}-${lang}-01-rest`, { fullPage: false });
      await handshakeByClicks(page);
      await page.keyboard.press('Escape');
      // Playwright scrolls the page itself when a popover still covers the next arrow it is
      // told to click; the layout's claim is about the page at the top.
      await page.evaluate(() => window.scrollTo(0, 0));
      await assertOneScreen(page, 'after the handshake');
      await screenshot(page, `${NAME}-1366-${scheme}-${lang}-02-handshake`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}

test('one screen at 1366×768 in lesson 1: its panel, the diagram, the chart and both peers', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: DESKTOP });
  try {
    await appReady(page);
    await page.getByTestId('lesson-picker').locator('summary').click();
    await page.getByTestId('lesson-item-01-handshake').click();
    await page.getByTestId('lesson-panel').waitFor({ timeout: SETTLE_MS });
    await page.evaluate(() => window.scrollTo(0, 0));
    for (let step = 1; step <= 4; step += 1) {
      await assertOneScreen(page, `lesson 1, step ${step}`);
      const next = page.getByTestId('lesson-next');
      const box = await next.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= DESKTOP.height, `step ${step}: Next is in view`);
      if (step === 2) await screenshot(page, `${NAME}-1366-lesson-step2`, { fullPage: false });
      if (await next.isDisabled()) break;
      await next.click();
      await page.waitForTimeout(150);
    }
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('the clock says which event and why t stands still in manual delivery; speeds say what they mean', async () => {
  const page = await freshApp(app.browser, app.server.url, { viewport: DESKTOP });
  try {
    const clock = page.getByTestId('clock');
    await peerCall(page, 'B', 'listen');
    await peerCall(page, 'A', 'connect');
    await expectSegs(page, ['s1:SYN:in-flight']);
    const max = await page.locator('input[type="range"]').getAttribute('max');
    await eventually(async () => (await clock.innerText()).replace(/\s+/g, ' '),
      `event ${max}/${max} t = 0.000s time waits for you`, 'the clock at the live end of a manual run');
    assert.match(await clock.getAttribute('title'), /manual.*no simulated time passes/s);
    // Back: the number follows the cursor.
    await page.click('[data-action="back"]');
    await eventually(async () => {
      const n = await page.locator('input[type="range"]').inputValue();
      return (await page.locator('.clock-event').innerText()) === `event ${n}/${max}` && n !== max;
    }, true, 'the event number is the cursor\'s');
    await page.click('[data-action="live"]');

    const speed = page.locator('select[data-action="speed"]');
    assert.match(await speed.getAttribute('title'), /1×: one second of simulated time lasts 10 s of real time/);
    assert.match(await speed.locator('option[value="5"]').getAttribute('title'), /8×.*1\.25 s/);

    // Play switches to auto delivery: the SYN flies, time runs, and the note goes.
    await page.click('[data-action="play"]');
    await expectStates(page, 'SYN_SENT', 'SYN_RCVD');
    await page.click('[data-action="pause"]');
    assert.equal(await page.getByTestId('clock-manual').count(), 0, 'no "time waits" in auto delivery');
    const t = Number((await page.locator('.clock-t').innerText()).match(/t = ([\d.]+)s/)[1]);
    assert.ok(t > 0, `simulated time ran: t = ${t}`);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('a bad script line is marked in the editor: selected, numbered, in view; the text kept', async () => {
  const page = await freshApp(app.browser, app.server.url, { viewport: DESKTOP });
  try {
    const lines = ['B listen', 'A connect', ...Array.from({ length: 24 }, (_, i) => `# note ${i + 1}`), 'A conect', 'deliver s1', ''];
    const text = lines.join('\n');
    const area = page.locator('textarea.script');
    await area.fill(text);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('[data-action="run"]');
    await page.locator('#script-error').waitFor({ timeout: SETTLE_MS });
    assert.match(await page.locator('#script-error').innerText(), /Line 27, column 3/);
    assert.equal(await area.inputValue(), text, 'the text is kept as typed');
    const sel = await area.evaluate((el) => ({
      focused: document.activeElement === el,
      picked: el.value.slice(el.selectionStart, el.selectionEnd),
      scrollTop: el.scrollTop,
    }));
    assert.equal(sel.focused, true, 'the editor has the focus');
    assert.equal(sel.picked, 'conect', 'the word at fault is selected, to the end of its line');
    assert.ok(sel.scrollTop > 0, 'the box scrolled down to line 27');
    const bad = page.locator('.editor .gutter .bad');
    assert.equal(await bad.getAttribute('data-line'), '27');
    const [b, a] = [await bad.boundingBox(), await area.boundingBox()];
    assert.ok(b.y >= a.y && b.y + b.height <= a.y + a.height, `the marked number is inside the box's view: ${JSON.stringify({ b, a })}`);
    assert.ok(a.y >= 0 && a.y < DESKTOP.height, 'the editor was scrolled into the page\'s view');
    await screenshot(page, `${NAME}-script-error`, { fullPage: false });

    // Fixed and run again: the mark goes.
    await area.fill(text.replace('A conect', 'A close'));
    await page.click('[data-action="run"]');
    await eventually(() => page.locator('.editor .gutter .bad').count(), 0, 'no mark once the script runs');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('chart labels are at least 12 px at 1366 wide and do not overlap', async () => {
  const page = await freshApp(app.browser, app.server.url, { viewport: DESKTOP });
  try {
    await handshakeByClicks(page);
    await peerCall(page, 'A', 'close');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(200);
    const found = await page.evaluate(() => {
      const svg = document.querySelector('.chart-panel svg.chart-svg');
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const sizes = {};
      const boxes = [];
      for (const t of document.querySelectorAll('.chart-panel text')) {
        const cls = t.getAttribute('class') || t.parentElement.getAttribute('class');
        const px = parseFloat(getComputedStyle(t).fontSize) * (t.closest('.chart-head') ? 1 : scale);
        sizes[cls] = Math.min(sizes[cls] ?? Infinity, px);
        if (!t.closest('.seg') && !t.closest('.chart-head')) {
          const r = t.getBoundingClientRect();
          boxes.push({ cls, text: t.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom });
        }
      }
      const overlaps = [];
      for (let i = 0; i < boxes.length; i += 1) {
        for (let j = i + 1; j < boxes.length; j += 1) {
          const [p, q] = [boxes[i], boxes[j]];
          if (p.l < q.r - 1 && q.l < p.r - 1 && p.t < q.b - 1 && q.t < p.b - 1) overlaps.push(`${p.text} × ${q.text}`);
        }
      }
      return { sizes, overlaps, count: boxes.length };
    });
    for (const cls of ['peer-name from-a', 'state-label', 'now-time', 'timer-label']) {
      assert.ok(found.sizes[cls] !== undefined, `a ${cls} is drawn: ${JSON.stringify(found.sizes)}`);
    }
    for (const [cls, px] of Object.entries(found.sizes)) {
      assert.ok(px >= 12, `${cls} is ${px.toFixed(1)} px`);
    }
    assert.ok(found.count >= 8, `${found.count} labels checked`);
    assert.deepEqual(found.overlaps, [], 'no two state, timer or time labels overlap');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

for (const viewport of [DESKTOP, { width: 360, height: 740 }]) {
  test(`Share and Copy embed code stay put when the field appears (${viewport.width} px)`, async () => {
    const context = await app.browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    page.problems = [];
    page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
    try {
      await page.goto(app.server.url);
      await appReady(page);
      const boxes = async () => ({
        share: await page.getByTestId('share').boundingBox(),
        copy: await page.getByTestId('copy-embed').boundingBox(),
      });
      const before = await boxes();
      await page.getByTestId('share').click();
      await page.getByTestId('share-field').waitFor({ timeout: SETTLE_MS });
      assert.deepEqual(await boxes(), before, 'after Share');
      await page.getByTestId('copy-embed').click();
      await eventually(() => page.getByTestId('share-field').getAttribute('data-kind'), 'embed', 'the embed code');
      assert.deepEqual(await boxes(), before, 'after Copy embed code');
      const field = await page.getByTestId('share-field').boundingBox();
      assert.ok(field.x >= 0 && field.x + field.width <= viewport.width, `the field is within the width: ${JSON.stringify(field)}`);
      await screenshot(page, `${NAME}-share-${viewport.width}`, { fullPage: false });
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  });
}

/** Where the diagram is: its figure, CLOSED's top, TIME_WAIT's and the legend's bottoms. */
function diagramAt(page) {
  return page.evaluate(() => {
    const r = (sel) => document.querySelector(sel)?.getBoundingClientRect() ?? null;
    const svg = r('.diagram-panel .diagram > svg');
    return {
      scrollY,
      svgTop: Math.round(svg.top),
      svgBottom: Math.round(svg.bottom),
      closed: Math.round(r('[data-state-node="CLOSED"]').top),
      timeWait: Math.round(r('[data-state-node="TIME_WAIT"]').bottom),
      legend: Math.round(r('.diagram-panel .legend')?.bottom ?? 0),
    };
  });
}

/** The whole diagram, legend included, is on the first screen, at the place it had before. */
function assertDiagramStill(now, before, what) {
  assert.equal(now.scrollY, 0, `${what}: the page has not scrolled`);
  assert.ok(now.svgTop >= 0 && now.legend <= DESKTOP.height, `${what}: the diagram ${now.svgTop}..${now.legend} is inside ${DESKTOP.height} px`);
  assert.ok(now.timeWait <= now.svgBottom, `${what}: TIME_WAIT is in the figure`);
  if (before) {
    // The states exactly; the box within a couple of px (a CJK font arriving late changes the
    // legend's line height by a pixel or two, not the figure).
    assert.deepEqual([now.closed, now.timeWait], [before.closed, before.timeWait], `${what}: CLOSED and TIME_WAIT have not moved`);
    assert.ok(Math.abs(now.svgTop - before.svgTop) <= 2 && Math.abs(now.svgBottom - before.svgBottom) <= 2, `${what}: the figure's box ${now.svgTop}..${now.svgBottom} was ${before.svgTop}..${before.svgBottom}`);
  }
}

// A newcomer's review (issue 1): a tall right column (an exercise's answer, the Linux view's
// socket table) stretched the diagram's box; the figure, centred in it, jumped down and
// TIME_WAIT fell below the fold.
for (const [scheme, lang] of [['light', 'en'], ['dark', 'zh']]) {
  test(`1366×768 (${scheme}, ${lang}): the diagram stays whole and still through an exercise's right answer and the Linux view`, async () => {
    const zh = lang === 'zh' ? 'lang=zh&' : '';
    const page = await openPage(app.browser, `${app.server.url}?${zh}exercise=01&seed=4217`, { viewport: DESKTOP, colorScheme: scheme });
    try {
      await appReady(page);
      await page.getByTestId('lesson-panel').waitFor({ timeout: SETTLE_MS });
      const start = await diagramAt(page);
      assertDiagramStill(start, null, 'the exercise\'s first step');
      await page.getByTestId('lesson-next').click();
      await page.getByTestId('predict-form').waitFor({ timeout: SETTLE_MS });
      const isn = Number((await page.getByTestId('predict-isn').textContent()).match(/\d{3,}/)[0]);
      await page.getByTestId('predict-flag-SYN').check();
      await page.getByTestId('predict-seq').fill(String(isn));
      await page.getByTestId('predict-len').fill('0');
      await page.getByTestId('predict-check').click();
      await page.locator('[data-testid="predict-feedback"][data-correct="true"]').waitFor({ timeout: SETTLE_MS });
      await expectStates(page, 'SYN_SENT', 'LISTEN');
      await page.evaluate(() => window.scrollTo(0, 0));
      assertDiagramStill(await diagramAt(page), start, 'after the right answer');
      // The peers' buttons and the chart are still on the first screen.
      await assertOneScreen(page, 'after the right answer');
      await screenshot(page, `${NAME}-1366-${scheme}-${lang}-03-exercise-right`, { fullPage: false });

      await page.getByTestId('linux-toggle').check();
      await page.locator('[data-testid="ss-table"]').waitFor({ timeout: SETTLE_MS });
      await page.evaluate(() => window.scrollTo(0, 0));
      assertDiagramStill(await diagramAt(page), start, 'in the Linux view');
      // The socket table is under the stage, across the page.
      const [stage, table] = await Promise.all(['.stage', '.sockets'].map((s) => page.locator(s).boundingBox()));
      assert.ok(table.y >= stage.y + stage.height, 'the socket table is under the stage');
      await screenshot(page, `${NAME}-1366-${scheme}-${lang}-04-linux`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}

// Issue 2: open, the congestion views lived in the chart's row as a scroll box (1113 px of
// views through 206 px) and the chart shrank to one arrow. Now the chart keeps a real height,
// the views follow it and the page scrolls; the diagram does not move.
for (const [scheme, lang] of [['light', 'en'], ['dark', 'zh']]) {
  test(`1366×768 (${scheme}, ${lang}): with the congestion views open the chart keeps its height and the diagram stays`, async () => {
    const page = await freshApp(app.browser, `${app.server.url}${lang === 'zh' ? '?lang=zh' : ''}`, { viewport: DESKTOP, colorScheme: scheme });
    try {
      if (lang === 'zh') await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
      const before = await diagramAt(page);
      await page.locator('[data-action="presets"]').selectOption('fast-retransmit');
      await eventually(async () => /fast.retransmit|快速重传/i.test(await scriptText(page)), true, 'the scenario is loaded');
      const toggle = page.getByTestId('cc-toggle');
      await toggle.waitFor({ timeout: SETTLE_MS });
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
      await page.getByTestId('cc-strip-A').waitFor({ timeout: 20000 });
      await page.evaluate(() => window.scrollTo(0, 0));
      assertDiagramStill(await diagramAt(page), before, 'with the views open');
      const chart = await page.locator('.chart-panel .chart').boundingBox();
      assert.ok(chart.height >= 220, `the chart is ${Math.round(chart.height)} px tall`);
      const box = await page.locator('.chart-panel').evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
      assert.ok(box.scroll <= box.client + 1, `the chart's panel is no scroll box (${box.scroll} px in ${box.client})`);
      const views = await page.getByTestId('cc-views').boundingBox();
      assert.ok(views.y >= chart.y + chart.height - 1, 'the views are under the chart');
      await screenshot(page, `${NAME}-1366-${scheme}-${lang}-05-cc-views`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}

// Issue 3: under the stage no hole: the script, then the inject form, each across the page;
// a chosen segment's inspector beside them.
test('1366×768: under the stage the script and the inject form follow without a hole', async () => {
  const page = await freshApp(app.browser, app.server.url, { viewport: DESKTOP });
  try {
    const boxes = await page.evaluate(() => Object.fromEntries(['.layout', '.stage', '.script-panel', '.inject-box'].map((s) => {
      const r = document.querySelector(s).getBoundingClientRect();
      return [s, { left: r.left, right: r.right, top: r.top + scrollY, bottom: r.bottom + scrollY }];
    })));
    const gap = (a, b) => boxes[b].top - boxes[a].bottom;
    assert.ok(gap('.stage', '.script-panel') >= 0 && gap('.stage', '.script-panel') <= 20, `the script follows the stage (${gap('.stage', '.script-panel')} px)`);
    assert.ok(gap('.script-panel', '.inject-box') >= 0 && gap('.script-panel', '.inject-box') <= 20, `the inject form follows the script (${gap('.script-panel', '.inject-box')} px)`);
    for (const s of ['.script-panel', '.inject-box']) {
      assert.ok(Math.abs(boxes[s].left - boxes['.stage'].left) <= 1 && Math.abs(boxes[s].right - boxes['.stage'].right) <= 1, `${s} is as wide as the stage`);
    }
    await screenshot(page, `${NAME}-1366-06-under-stage`);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});
