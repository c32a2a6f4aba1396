// The capture chart (issue 10, item 9): no text overwrites another text or an arrow at
// 1366×768 and 360×740, the type at the simulator's size, times in seconds, the chart
// following the scrubber, retransmissions marked, whole rows clickable, ← → (and the footer
// advertising only keys that work), the Linux view's names, and a worker that starts without
// a deprecation warning.
// Fixtures: tests/fixtures/timed-close.pcap and lab-merged.pcap (see capture.test.mjs and
// capture-views.test.mjs), tests/captures/bulk-loss.server.pcap (a lab capture with loss).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, appReady, assertNoProblems, eventually, openPage, screenshot, screenshotOf, useApp, withGeometry } from './helpers.mjs';

const app = useApp();
const TIMED = join(ROOT, 'tests', 'fixtures', 'timed-close.pcap');
const MERGED = join(ROOT, 'tests', 'fixtures', 'lab-merged.pcap');
const BULK = join(ROOT, 'tests', 'captures', 'bulk-loss.server.pcap');

async function open(page, file) {
  await page.locator('[data-testid="capture-open"]').setInputFiles(file);
  await page.locator('[data-testid="capture-summary"]').waitFor({ timeout: 20000 });
}

async function openConn(page, file, n) {
  await open(page, file);
  if (n) await page.locator(`[data-testid="capture-conn-${n}"]`).click();
  await page.locator('.capture-chart [data-packet]').first().waitFor({ timeout: 20000 });
}

const scrub = (page) => page.locator('[data-testid="capture-scrub"]');
const cursor = async (page) => Number(await scrub(page).inputValue());

/**
 * Every overlap in the chart's drawing, on screen: text with text, and text with an arrow's
 * line or head. Each text is its own box turned as it is drawn (labels lie along their
 * arrows), so a slanted label is not blamed for the corners of an upright box around it.
 */
async function overlaps(page) {
  await withGeometry(page);
  return page.evaluate(() => {
    const svg = document.querySelector('.capture-chart svg[role="img"]');
    const { toScreen, intersect } = window.synackGeometry;
    // A text's glyph box, shrunk by half a pixel: touching is not overlapping.
    const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim() !== '').map((t) => {
      const b = t.getBBox();
      const i = 0.5;
      const poly = [[b.x + i, b.y + i], [b.x + b.width - i, b.y + i], [b.x + b.width - i, b.y + b.height - i], [b.x + i, b.y + b.height - i]]
        .map(([x, y]) => toScreen(t, x, y));
      return { name: t.textContent.trim(), poly, owner: t.closest('[data-packet]')?.dataset.packet };
    });
    const shapes = [];
    for (const l of svg.querySelectorAll('[data-packet] .shaft')) {
      const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((a) => Number(l.getAttribute(a)));
      shapes.push({ name: `arrow ${l.closest('[data-packet]').dataset.packet}`, poly: [toScreen(l, x1, y1), toScreen(l, x2, y2)] });
    }
    for (const h of svg.querySelectorAll('[data-packet] .head')) {
      const pts = h.getAttribute('points').trim().split(/\s+/).map((p) => p.split(',').map(Number));
      shapes.push({ name: `head ${h.closest('[data-packet]').dataset.packet}`, poly: pts.map(([x, y]) => toScreen(h, x, y)) });
    }
    const found = [];
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (intersect(texts[i].poly, texts[j].poly)) found.push(`"${texts[i].name}" × "${texts[j].name}"`);
      }
      for (const s of shapes) {
        if (intersect(texts[i].poly, s.poly)) found.push(`"${texts[i].name}" × ${s.name}`);
      }
    }
    return { found, texts: texts.length, shapes: shapes.length };
  });
}

/** The rendered size of a drawn arrow label's type, in CSS px. */
function labelPx(page) {
  return page.evaluate(() => {
    const t = document.querySelector('.capture-chart .seg-label');
    const m = t.getScreenCTM();
    return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  });
}

/**
 * The simulator's arrow-label size at this viewport, as web/chart.css sets it (12.5 px, 11.5
 * on a phone; its chart is drawn at its own size from 360 px up): read from a probe label,
 * so that the capture chart is held to the simulator's type whatever chart.css says.
 */
function simulatorLabelPx(page) {
  return page.evaluate(() => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'chart');
    const t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    t.setAttribute('class', 'seg-label');
    svg.append(t);
    document.body.append(svg);
    const px = parseFloat(getComputedStyle(t).fontSize);
    svg.remove();
    return px;
  });
}

for (const [width, height] of [[1366, 768], [360, 740]]) {
  test(`no chart text overwrites another or an arrow at ${width}×${height}, at the simulator's type size`, async () => {
    const page = await openPage(app.browser, app.server.url, { viewport: { width, height } });
    await appReady(page);
    const check = async (what) => {
      const { found, texts, shapes } = await overlaps(page);
      assert.ok(texts > 5 && shapes > 5, `${what}: the chart is drawn (${texts} texts, ${shapes} shapes)`);
      assert.deepEqual(found, [], `${what}: overlaps`);
    };
    // A handshake, data and a close; then the zero-window connection (66 packets, bursts of
    // replies, long data labels) at its start, middle and end; then a bulk transfer with loss.
    await openConn(page, TIMED);
    await check('timed-close');
    // At the simulator's size: at most a pixel smaller (a drawing a little wider than its
    // box is scaled down), never larger.
    const [px, sim] = [await labelPx(page), await simulatorLabelPx(page)];
    assert.ok(sim >= 11 && sim <= 13, `the simulator's labels at ${sim} px`);
    assert.ok(px >= sim - 1 && px <= sim + 0.01, `labels at ${px.toFixed(1)} px (the simulator's ${sim})`);
    await screenshot(page, `capture-chart-timed-${width}`, { fullPage: false });
    await openConn(page, MERGED, 6);
    for (const k of ['1', '30', '66']) {
      await scrub(page).fill(k);
      await eventually(() => cursor(page), Number(k), 'the cursor');
      await check(`zero window at packet ${k}`);
    }
    await page.locator('.capture-chart').scrollIntoViewIfNeeded();
    await screenshot(page, `capture-chart-zerowin-${width}`, { fullPage: false });
    await openConn(page, BULK);
    await check('bulk transfer with loss');
    assertNoProblems(page);
    await page.close();
  });
}

// Chinese marks (重传, 时间 (秒)) are wider than their English: checked in both themes.
for (const [width, height, scheme] of [[360, 740, 'dark'], [1366, 768, 'light']]) {
  // The Chinese catalog may arrive after the first drawing: the mark is awaited.
  test(`no overlap in Chinese at ${width}×${height}, ${scheme}`, async () => {
    const page = await openPage(app.browser, `${app.server.url}?lang=zh`, { viewport: { width, height }, colorScheme: scheme });
    await appReady(page);
    await openConn(page, BULK);
    const graph = page.locator('[data-testid="capture-tseq"]');
    await graph.waitFor({ timeout: 20000 });
    // To the first retransmission's row, so that its mark is drawn.
    await scrub(page).fill('80');
    await eventually(() => cursor(page), 80, 'the cursor');
    assert.ok(await page.locator('.capture-chart .retx-mark').count() > 0, 'a retransmission is drawn');
    await eventually(async () => (await page.locator('.capture-chart .retx-mark').first().textContent()).trim(), '重传', 'the mark in Chinese');
    assert.equal(await page.locator('.capture-chart .time-head').textContent(), '时间 (秒)');
    const { found } = await overlaps(page);
    assert.deepEqual(found, []);
    await screenshotOf(page.locator('.capture-chart'), `capture-chart-zh-${width}-${scheme}`);
    await openConn(page, TIMED);
    assert.deepEqual((await overlaps(page)).found, []);
    await screenshotOf(page.locator('.capture-chart'), `capture-chart-zh-timed-${width}-${scheme}`);
    assertNoProblems(page);
    await page.close();
  });
}

test('times read in seconds, the chart follows the scrubber, and a whole row moves the cursor', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  await appReady(page);
  await openConn(page, TIMED);
  const chart = page.locator('.capture-chart');
  // Seconds, to the microsecond, in a column headed by its unit; the scrubber too.
  const times = await chart.locator('[data-packet] .time').allTextContents();
  assert.equal(times.length, 9);
  for (const t of times) assert.match(t, /^\d+\.\d{6}$/, t);
  assert.equal(times[2], '0.040000', 'the third packet, 40 ms after the first');
  assert.equal(await chart.locator('.time-head').textContent(), 't (s)');
  await scrub(page).fill('3');
  await eventually(async () => /Packet 3 of 9 0\.040000 s/.test(await page.locator('.capture .scrub').innerText()), true, 'the scrubber in seconds');
  assert.doesNotMatch(await page.locator('.capture').innerText(), /\d{4}\.\d{3} ms/, 'no "3150.000 ms" anywhere');

  // A click on the time (not the arrow) of the sixth row moves the cursor past that packet.
  await chart.locator('[data-packet="6"] .time').click();
  await eventually(() => cursor(page), 6, 'the time column is part of the row');
  const hit = await chart.locator('[data-packet="6"] .hit').boundingBox();
  const box = await chart.boundingBox();
  assert.ok(hit.width >= box.width - 4, `the row's target spans the chart (${hit.width} of ${box.width})`);

  // Following the scrubber: on 66 packets the chart scrolls to keep the cursor's row in view.
  await page.reload();
  await appReady(page);
  await openConn(page, MERGED, 6);
  const inView = async (k) => page.evaluate((k) => {
    const c = document.querySelector('.capture-chart');
    const row = c.querySelector(`[data-packet="${k}"] .shaft`);
    if (!row) return false;
    const [a, b] = [c.getBoundingClientRect(), row.getBoundingClientRect()];
    return b.top >= a.top && b.bottom <= a.bottom;
  }, k);
  for (const k of [1, 33, 66, 12]) {
    await scrub(page).fill(String(k));
    await eventually(() => inView(k), true, `packet ${k}'s row in the chart's view`);
    assert.equal(await chart.locator('[data-packet].selected').getAttribute('data-packet'), String(k));
  }
  assertNoProblems(page);
  await page.close();
});

test('every retransmission the analysis counts is marked on the ladder', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  await appReady(page);
  await openConn(page, BULK);
  const graph = page.locator('[data-testid="capture-tseq"]');
  await graph.waitFor({ timeout: 20000 });
  const counted = Number(await graph.getAttribute('data-retransmissions'));
  assert.ok(counted > 0, 'the lab dropped packets on purpose');
  // The ladder draws 40 rows around the cursor: walk the connection and collect the marks.
  const n = Number(await scrub(page).getAttribute('max'));
  const marked = new Set();
  for (let k = 0; k <= n + 20; k += 20) {
    await scrub(page).fill(String(Math.min(k, n)));
    await eventually(() => cursor(page), Math.min(k, n), 'the cursor');
    for (const row of await page.locator('.capture-chart [data-retx="true"]').all()) {
      assert.match(await row.locator('.retx-mark').textContent(), /retx/);
      marked.add(await row.getAttribute('data-packet'));
    }
  }
  assert.equal(marked.size, counted, `marked ${[...marked]} against ${counted} counted`);
  const first = [...marked][0];
  await scrub(page).fill(first);
  await page.locator('.capture-chart').scrollIntoViewIfNeeded();
  await screenshot(page, 'capture-chart-retx-1366', { fullPage: false });
  assertNoProblems(page);
  await page.close();
});

test('← → move through the packets, the simulator stays put, and the footer names only working keys', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  await appReady(page);
  const simulator = async () => page.locator('.time').first().innerText();
  const before = await simulator();
  const footer = page.locator('footer.foot');
  assert.match(await footer.innerText(), /P play\/pause/, 'the simulator has P and T');
  await openConn(page, TIMED);
  const keys = await footer.innerText();
  assert.match(keys, /→ next packet, ← previous packet/);
  assert.doesNotMatch(keys, /\bP\b|\bT\b/, 'no key the capture view ignores');
  await page.locator('.capture-head h2').click();
  assert.equal(await cursor(page), 9);
  await page.keyboard.press('ArrowLeft');
  await eventually(() => cursor(page), 8, '← one packet back');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await eventually(() => cursor(page), 8, '← then →');
  await page.keyboard.press('Home');
  await eventually(() => cursor(page), 0, 'Home');
  await page.keyboard.press('End');
  await eventually(() => cursor(page), 9, 'End');
  // P and T pressed in the capture view do nothing to the hidden simulator.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('p');
  await page.keyboard.press('t');
  await page.click('[data-testid="capture-back"]');
  await page.locator('[data-testid="capture-summary"]').waitFor({ state: 'detached' });
  assert.equal(await simulator(), before, 'the simulator did not move');
  assert.match(await footer.innerText(), /P play\/pause/);
  assertNoProblems(page);
  await page.close();
});

test('the Linux view names the capture\'s states as ss does', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=en`, { viewport: { width: 1366, height: 768 } });
  await appReady(page);
  await openConn(page, TIMED);
  const labels = () => page.locator('.capture-chart .state-label').allTextContents();
  assert.ok((await labels()).includes('TIME_WAIT'));
  await page.locator('[data-testid="linux-toggle"]').check();
  await eventually(async () => (await labels()).includes('TIME-WAIT'), true, 'ss names on the ladder');
  const all = await labels();
  assert.ok(all.includes('ESTAB') && all.includes('SYN-SENT') && all.includes('FIN-WAIT-1'), `${all}`);
  assert.ok(!all.some((l) => /_/.test(l)), `no RFC spelling left: ${all}`);
  const a = page.locator('[data-testid="capture-state-a"]');
  assert.equal((await a.innerText()).trim(), 'TIME-WAIT');
  assert.equal(await a.getAttribute('data-state'), 'TIME_WAIT', 'the hook keeps the RFC name');
  assert.equal(await page.locator('[data-testid="capture-final-a"]').innerText(), 'TIME-WAIT');
  assert.equal(await page.locator('.capture [data-state-node="TIME_WAIT"] text').first().textContent(), 'TIME-WAIT');
  await page.locator('.capture-chart').scrollIntoViewIfNeeded();
  await screenshot(page, 'capture-chart-linux-1366', { fullPage: false });
  assertNoProblems(page);
  await page.close();
});

test('the capture worker starts without a deprecation warning', async () => {
  const page = await openPage(app.browser, app.server.url);
  const messages = [];
  let started = false;
  page.on('worker', (w) => {
    if (/capture-worker/.test(w.url())) started = true;
    w.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  });
  await appReady(page);
  await openConn(page, TIMED);
  assert.ok(started, 'the capture worker ran');
  assert.deepEqual(messages.filter((m) => /deprecated|warn|error/i.test(m)), []);
  assertNoProblems(page);
  await page.close();
});
