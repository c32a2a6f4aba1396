// The connection table's "final states" column: each end's inferred state after the last
// packet, for every row, as `ss -tan` on each host said at the end of the capture.
// Fixture: tests/fixtures/ss-final.pcap, four real Linux connections between two network
// namespaces (tests/fixtures/ss-final.sh), with ss's output beside it (ss-final.ss.txt):
//   1 normal close (client TIME-WAIT, server gone)   2 client reset (both gone)
//   3 the server closed first (server TIME-WAIT)      4 half-close left open
// A socket ss no longer listed is CLOSED (UNCONN in the Linux view); `?` marks a state the
// capture cannot confirm (the other end's last ACK or RST, with nothing sent after it).
// Checked: the column's text, the Linux view's ss names, sorting and filtering by it, axe,
// and the table at 1366×768 and 360×740 in light and dark, English and Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, appReady, assertNoProblems, eventually, openPage, screenshot, useApp } from './helpers.mjs';

const app = useApp();
const FIXTURE = join(ROOT, 'tests', 'fixtures', 'ss-final.pcap');
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

const RFC = ['TIME_WAIT / CLOSED?', 'CLOSED / CLOSED?', 'CLOSED? / TIME_WAIT', 'FIN_WAIT_2 / CLOSE_WAIT'];
// What ss -tan listed (ss-final.ss.txt), in the Linux view's spelling.
const SS = ['TIME-WAIT / UNCONN?', 'UNCONN / UNCONN?', 'UNCONN? / TIME-WAIT', 'FIN-WAIT-2 / CLOSE-WAIT'];

async function open(page) {
  await page.locator('[data-testid="capture-open"]').setInputFiles(FIXTURE);
  await page.locator('[data-testid="capture-summary"]').waitFor({ timeout: 20000 });
}

const finals = (page) => page.locator('.capture .conns tbody td.final')
  .evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
const indices = (page) => page.locator('.capture .conns tbody tr td:first-child')
  .evaluateAll((tds) => tds.map((td) => Number(td.textContent.trim())));

async function axe(page, what) {
  await page.addScriptTag({ path: AXE });
  await page.waitForTimeout(300);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], `axe-core violations on ${what}`);
}

test('every row shows both ends\' final states, as ss said, and sorts and filters by them', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  await appReady(page);
  await open(page);
  assert.deepEqual(await finals(page), RFC);
  // The header says which end is which; an uncertain row says what its `?` means.
  assert.match(await page.locator('[data-testid="capture-sort-final"]').innerText(), /Final states \(A \/ B\)/);
  assert.match(await page.locator('[data-testid="capture-finals-1"]').getAttribute('title'), /cannot confirm/);
  assert.equal(await page.locator('[data-testid="capture-finals-4"]').getAttribute('title'), null, 'nothing uncertain there');

  // The table agrees with the connection's own diagnosis.
  await page.locator('[data-testid="capture-conn-3"]').click();
  await page.locator('[data-testid="capture-diagnosis"]').waitFor({ timeout: 20000 });
  assert.equal(await page.locator('[data-testid="capture-final-b"]').innerText(), 'TIME_WAIT');

  // Sorting: A's state in the RFC's order (CLOSED, CLOSED?, FIN_WAIT_2, TIME_WAIT), then back.
  const header = page.locator('th', { has: page.locator('[data-testid="capture-sort-final"]') });
  await page.click('[data-testid="capture-sort-final"]');
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  assert.deepEqual(await indices(page), [2, 3, 4, 1]);
  await page.click('[data-testid="capture-sort-final"]');
  assert.deepEqual(await indices(page), [1, 4, 3, 2]);

  // Filtering: connections with either end in TIME_WAIT, as `ss -tan state time-wait` on
  // either host would list them.
  const options = await page.locator('[data-testid="capture-filter-final"] option').allInnerTexts();
  assert.deepEqual(options.slice(1), ['CLOSED', 'FIN_WAIT_2', 'CLOSE_WAIT', 'TIME_WAIT']);
  await page.selectOption('[data-testid="capture-filter-final"]', 'TIME_WAIT');
  await eventually(() => indices(page), [1, 3], 'TIME_WAIT at the client, then at the server');
  await axe(page, 'the table filtered by final state (light, en)');

  // The Linux view spells them as ss does, in the column and in the filter.
  await page.locator('[data-testid="linux-toggle"]').check();
  await page.click('[data-testid="capture-filter-clear"]');
  await page.click('[data-testid="capture-sort-index"]');
  await eventually(() => finals(page), SS, 'ss names');
  const ssOptions = await page.locator('[data-testid="capture-filter-final"] option').allInnerTexts();
  assert.deepEqual(ssOptions.slice(1), ['UNCONN', 'FIN-WAIT-2', 'CLOSE-WAIT', 'TIME-WAIT']);
  await screenshot(page, 'capture-final-states-1366-light-en-linux');
  assertNoProblems(page);
  await page.close();
});

for (const [width, height, scheme, lang] of [
  [1366, 768, 'dark', 'zh'], [360, 740, 'light', 'en'], [360, 740, 'dark', 'zh'], [360, 740, 'light', 'zh'], [1366, 768, 'light', 'en'],
]) {
  test(`the column at ${width}×${height}, ${scheme}, ${lang}`, async () => {
    const page = await openPage(app.browser, `${app.server.url}?lang=${lang}`, { viewport: { width, height }, colorScheme: scheme });
    await appReady(page);
    await open(page);
    assert.deepEqual(await finals(page), RFC, 'state names are the RFC\'s in both languages');
    // The view's catalog may arrive just after the view itself.
    const want = lang === 'zh' ? '最终状态（A / B）' : 'Final states (A / B)';
    await eventually(() => page.locator('[data-testid="capture-sort-final"]').innerText(), want, 'the column\'s heading');
    // The page never scrolls sideways (the table scrolls in its own box on a phone), and
    // each state stays on one line: a cell breaks only after the slash.
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= width + 10, `no sideways scrolling at ${width} px (scroll width ${scroll})`);
    const lines = await page.locator('.capture .conns td.final span').evaluateAll((spans) =>
      spans.map((s) => s.getClientRects().length));
    assert.ok(lines.length === 8 && lines.every((n) => n === 1), `a state name wrapped: ${lines}`);
    // On a phone the table's own box scrolls to the column, as a user would.
    await page.locator('[data-testid="capture-finals-1"]').scrollIntoViewIfNeeded();
    await screenshot(page, `capture-final-states-${width}-${scheme}-${lang}`);
    await axe(page, `the table at ${width}×${height}, ${scheme}, ${lang}`);
    assertNoProblems(page);
    await page.close();
  });
}
