// The capture view's connection table and per-connection views (issue 12): sorting by a
// column header (aria-sort), filtering by Zeek conn_state, by trouble and by port (a bad port
// keeps its text and says why), opening a row by keyboard, the diagnosis with conn_state and
// every history letter explained, and the time-sequence graph scrubbed with the chart.
// Fixtures: tests/fixtures/lab-merged.pcap, seven of the lab's real Linux captures merged by
// `mergecap -F pcap` (refused, keep-alive RST lost, zero window, lost final ACK, orphaned
// FIN-WAIT-2, simultaneous open, keep-alive); tests/captures/bulk-loss.server.pcap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, appReady, assertNoProblems, eventually, openPage, screenshot, useApp } from './helpers.mjs';

const app = useApp();
const MERGED = join(ROOT, 'tests', 'fixtures', 'lab-merged.pcap');
const BULK = join(ROOT, 'tests', 'captures', 'bulk-loss.server.pcap');

async function open(page, file) {
  await page.locator('[data-testid="capture-open"]').setInputFiles(file);
  await page.locator('[data-testid="capture-summary"]').waitFor({ timeout: 20000 });
}

const rows = (page) => page.locator('.capture .conns tbody tr');
const column = (page, n) => rows(page).evaluateAll((trs, n) => trs.map((tr) => tr.children[n].textContent.trim()), n);

test('the table sorts and filters, a row opens by keyboard, and the diagnosis explains it', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  await appReady(page);
  await open(page, MERGED);
  assert.equal(await rows(page).count(), 7);
  assert.deepEqual(await column(page, 0), ['1', '2', '3', '4', '5', '6', '7'], 'capture order at first');

  // Sorting: packets, largest first, then the other way; aria-sort says which.
  const packetsHeader = page.locator('th', { has: page.locator('[data-testid="capture-sort-packets"]') });
  assert.equal(await packetsHeader.getAttribute('aria-sort'), 'none');
  await page.click('[data-testid="capture-sort-packets"]');
  assert.equal(await packetsHeader.getAttribute('aria-sort'), 'descending');
  const down = (await column(page, 2)).map(Number);
  assert.deepEqual(down, [...down].sort((a, b) => b - a), `${down}`);
  await page.click('[data-testid="capture-sort-packets"]');
  assert.equal(await packetsHeader.getAttribute('aria-sort'), 'ascending');
  const up = (await column(page, 2)).map(Number);
  assert.deepEqual(up, [...up].sort((a, b) => a - b), `${up}`);
  assert.equal(await page.locator('th[aria-sort="none"]').count(), 8, 'one column of nine sorts at a time');

  // Filters: by Zeek's conn_state, then a mistyped port keeps its text and says why.
  await page.selectOption('[data-testid="capture-filter-state"]', 'REJ');
  assert.equal(await rows(page).count(), 1);
  assert.match(await rows(page).first().innerText(), /192\.0\.2\.2:9\b/);
  await page.click('[data-testid="capture-filter-clear"]');
  assert.equal(await rows(page).count(), 7);
  const port = page.locator('[data-testid="capture-filter-port"]');
  await port.fill('80a');
  await page.locator('#capture-port-error').waitFor();
  assert.match(await page.locator('#capture-port-error').innerText(), /“80a” is not a port number/);
  assert.equal(await port.inputValue(), '80a', 'what was typed is kept');
  assert.equal(await port.getAttribute('aria-invalid'), 'true');
  assert.equal(await rows(page).count(), 7, 'a bad port filters nothing');
  await port.fill('40001');
  await eventually(() => rows(page).count(), 1, 'the simultaneous open, by its second port');
  await port.fill('');
  await page.selectOption('[data-testid="capture-filter-problem"]', 'zerowin');
  assert.equal(await rows(page).count(), 1);
  assert.match(await page.locator('[data-testid="capture-shown"]').innerText(), /Showing 1 of 7/);

  // Open the one row left by keyboard: Tab to its button, Enter.
  const button = rows(page).first().locator('button');
  await button.focus();
  await page.keyboard.press('Enter');
  const diag = page.locator('[data-testid="capture-diagnosis"]');
  await diag.waitFor({ timeout: 20000 });
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  assert.match(await page.locator('[data-testid="capture-conn-state"]').innerText(), /SF\s+normal establishment and close/);
  assert.equal(await page.locator('[data-testid="capture-history"]').innerText(), 'ShADawFf');
  // Every letter of the history is explained, with who sent it and the RFC rule.
  const letters = page.locator('[data-testid="capture-history-letters"] li');
  assert.equal(await letters.count(), 8);
  const w = page.locator('[data-testid="capture-history-letters"] li[data-letter="w"]');
  assert.match(await w.innerText(), /B, responder/);
  assert.match(await w.innerText(), /zero window/);
  assert.match(await w.innerText(), /RFC 9293 §3\.8\.6\.1/);
  for (const text of await letters.allInnerTexts()) assert.match(text, /RFC|Zeek/, text);
  // Handshake options each side offered, and the per-direction counts.
  const hs = await page.locator('[data-testid="capture-handshake"]').innerText();
  assert.match(hs, /MSS\s+1460\s+1460\s+1460/);
  assert.match(hs, /Window scale\s+10 \(×1024\)\s+0 \(×1\)\s+10 \/ 0/);
  const zero = page.locator('[data-testid="capture-directions"] tr[data-field="zero_windows"]');
  assert.match(await zero.innerText(), /Zero windows\s+0\s+3/);
  assert.equal(await page.locator('[data-testid="capture-final-a"]').innerText(), 'TIME_WAIT');

  // The time-sequence graph: A's data, and a click on it moves the shared cursor.
  const graph = page.locator('[data-testid="capture-tseq"]');
  assert.ok(Number(await graph.getAttribute('data-segments')) > 20);
  assert.equal(await page.locator('[data-testid="capture-tseq-a"]').getAttribute('aria-pressed'), 'true');
  const scrub = page.locator('[data-testid="capture-scrub"]');
  assert.equal(await scrub.inputValue(), '66');
  await graph.locator('svg').scrollIntoViewIfNeeded();
  const box = await graph.locator('svg').boundingBox();
  await page.mouse.click(box.x + box.width * 0.2, box.y + box.height / 2);
  const moved = async () => { const k = Number(await scrub.inputValue()); return k > 0 && k < 66; };
  await eventually(moved, true, 'the cursor moved into the connection');
  assert.equal(await graph.locator('.now-line').count(), 1);
  assert.equal(await page.locator('.capture-chart .now-line').count(), 1, 'the ladder shows the same cursor');
  await screenshot(page, 'capture-views-1366-light-en');

  // A whole row is clickable, not just its number.
  await page.click('[data-testid="capture-filter-clear"]');
  await rows(page).filter({ hasText: ':9' }).locator('td.endpoints').click();
  await eventually(async () => /REJ/.test(await page.locator('[data-testid="capture-conn-state"]').innerText()), true, 'the refused connection');
  assert.match(await page.locator('[data-testid="capture-ends"]').innerText(), /first RST sent by B/);
  assertNoProblems(page);
  await page.close();
});

test('a bulk transfer with loss: the graph marks each retransmission the analysis counts', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  await appReady(page);
  await open(page, BULK);
  const graph = page.locator('[data-testid="capture-tseq"]');
  await graph.waitFor({ timeout: 20000 });
  const drawn = Number(await graph.getAttribute('data-retransmissions'));
  const row = await page.locator('[data-testid="capture-directions"] tr[data-field="retransmissions"]').innerText();
  const counted = row.split(/\s+/).map(Number).filter((n) => !Number.isNaN(n));
  assert.ok(drawn > 0, 'the lab dropped packets on purpose');
  assert.ok(counted.includes(drawn), `drawn ${drawn}, counted ${row}`);
  assert.ok(Number(await graph.getAttribute('data-sack')) > 0, 'the receiver sent SACK blocks');
  // The shared graph also has the (simulator's) path for retransmissions after the cursor.
  assert.notEqual(await graph.locator('path.retx:not(.future)').getAttribute('d'), '');
  await screenshot(page, 'capture-views-bulk-1366');
  assertNoProblems(page);
  await page.close();
});

// Both themes, both languages, a phone and a laptop: the same connection, looked at.
for (const [width, height, scheme, lang] of [[1366, 768, 'dark', 'zh'], [360, 740, 'light', 'zh'], [360, 740, 'dark', 'en'], [700, 500, 'light', 'en']]) {
  test(`the views at ${width}×${height}, ${scheme}, ${lang}`, async () => {
    const page = await openPage(app.browser, `${app.server.url}?lang=${lang}`, { viewport: { width, height }, colorScheme: scheme });
    await appReady(page);
    await open(page, MERGED);
    await page.locator('[data-testid="capture-sort-problems"]').click();
    await page.locator('[data-testid="capture-conn-6"]').click();
    await page.locator('[data-testid="capture-diagnosis"]').waitFor({ timeout: 20000 });
    if (lang === 'zh') {
      await eventually(async () => /正常建立、正常关闭/.test(await page.locator('[data-testid="capture-conn-state"]').innerText()), true, 'the Chinese meaning');
      assert.match(await page.locator('[data-testid="capture-tseq"]').innerText(), /时间—序号图/);
    }
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= width + 10, `no sideways scrolling at ${width} px (scroll width ${scroll})`);
    await screenshot(page, `capture-views-${width}-${scheme}-${lang}`);
    assertNoProblems(page);
    await page.close();
  });
}

test('the ladder spaces rows by time and marks a long idle gap as a break', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  await appReady(page);
  // The half-open scenario: A's new SYN comes a minute after the crash.
  await open(page, join(ROOT, 'tests', 'fixtures', 'crash-half-open.pcap'));
  const chart = page.locator('.capture-chart');
  await chart.locator('[data-packet]').first().waitFor({ timeout: 20000 });
  const breaks = chart.locator('.gap-break');
  assert.equal(await breaks.count(), 1, 'one gap is long enough to compress');
  assert.ok(Number(await breaks.getAttribute('data-gap')) >= 59_000_000, 'the minute of silence');
  assert.match(await breaks.locator('text').textContent(), /⋯ 6\d\.\d{3} s ⋯/);
  // Rows go down the page in time order.
  const ys = await chart.locator('[data-packet] .shaft').evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('y1'))));
  assert.ok(ys.every((y, i) => i === 0 || y > ys[i - 1]), `${ys}`);
  await screenshot(page, 'capture-views-gap-break');
  assertNoProblems(page);
  await page.close();
});
