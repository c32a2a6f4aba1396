// "How do I get there?" (issue 14): the panel asks the explorer's Web Worker for the shortest
// way to a pair of states from the moment shown and loads it as a normal run; an unreachable
// target says why; the 11 x 11 map of reachable pairs has a labelled cell for every pair and
// loads a pair's way when its cell is chosen; it all works under the strict CSP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady, assertNoProblems, expectStates, launchBrowser, openPage, scriptText, screenshot,
  serveStatic,
} from './helpers.mjs';

/** As tests/browser/self-contained.test.mjs (importing it would run its tests here too). */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

const NAME = 'explore';
const ctx = {};

before(async () => {
  ctx.server = await serveStatic();
  ctx.strict = await serveStatic(undefined, { headers: { 'content-security-policy': CSP } });
  ctx.browser = await launchBrowser();
});
after(async () => {
  await ctx.browser?.close();
  await ctx.server?.close();
  await ctx.strict?.close();
});

/** The default page (the handshake scenario, both peers ESTABLISHED), the panel opened. */
async function openExplorer(url = ctx.server.url, options = {}) {
  const page = await openPage(ctx.browser, url, options);
  await appReady(page);
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED', 'the default scenario ends established');
  await page.locator('[data-testid="explore"] > summary').click();
  await page.locator('[data-testid="explore-panel"]').waitFor({ timeout: 20000 });
  return page;
}

/** Picks the targets and the calls option, and searches. */
async function search(page, a, b, calls) {
  await page.selectOption('[data-testid="explore-a"]', a);
  await page.selectOption('[data-testid="explore-b"]', b);
  await page.locator('[data-testid="explore-calls"]').setChecked(calls);
  await page.click('[data-testid="explore-search"]');
}

test('A=CLOSING, B=CLOSING from the default page: the shortest way is loaded as the run', async () => {
  const page = await openExplorer();
  try {
    await search(page, 'CLOSING', 'CLOSING', true);
    await expectStates(page, 'CLOSING', 'CLOSING', 'the loaded run ends with both CLOSING');
    const found = page.locator('[data-testid="explore-found"]');
    await found.waitFor();
    assert.match(await found.textContent(), /4 steps/, 'simultaneous close: two closes and two FINs');
    const script = await scriptText(page);
    assert.match(script, /^A close$/m);
    assert.match(script, /^B close$/m);
    assert.match(script, /^expect A CLOSING\nexpect B CLOSING\n?$/m, `the script ends with its expectations:\n${script}`);
    // A normal run: one step back shows the moment before the last delivery.
    await page.click('[data-action="back"]');
    await expectStates(page, 'FIN_WAIT_1', 'CLOSING', 'stepping back through the found run');
    await screenshot(page, `${NAME}-01-closing-found`);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('an unreachable target says so, with the bound, and changes nothing', async () => {
  const page = await openExplorer();
  try {
    const before = await scriptText(page);
    // From ESTABLISHED with no user call, no segment is in flight and no timer runs: nothing
    // can happen, so LISTEN is out of reach and the search proves it.
    await search(page, 'LISTEN', 'LISTEN', false);
    const why = page.locator('[data-testid="explore-unreachable"]');
    await why.waitFor({ timeout: 15000 });
    const text = await why.textContent();
    assert.match(text, /Unreachable from here/, text);
    assert.match(text, /count: 1;/, 'the search says how much it explored: the start alone');
    assert.match(text, /User calls were not allowed/, 'and hints at the option');
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
    assert.equal(await scriptText(page), before, 'the run is untouched');
    await screenshot(page, `${NAME}-02-unreachable`);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('the map: 121 labelled cells, and a reachable cell loads its way', async () => {
  const page = await openExplorer();
  try {
    await page.click('[data-testid="explore-map-button"]');
    const map = page.locator('[data-testid="explore-map"]');
    await map.waitFor({ timeout: 20000 });
    const cells = map.locator('tbody td');
    assert.equal(await cells.count(), 121, 'one cell per (A, B) pair');
    // Every cell has a name that says the pair and its distance, not a colour only.
    const names = await cells.evaluateAll((tds) => tds.map((td) => {
      const button = td.querySelector('button');
      return button ? button.getAttribute('aria-label') : td.querySelector('.visually-hidden')?.textContent ?? '';
    }));
    assert.ok(names.every((n) => /^A [A-Z_0-9]+, B [A-Z_0-9]+: /.test(n)), names.join('\n'));
    assert.equal(names[4 * 11 + 4], 'A ESTABLISHED, B ESTABLISHED: here now.');
    const buttons = await map.locator('tbody td button').count();
    assert.ok(buttons > 20, `many pairs are reachable with user calls (${buttons})`);
    await screenshot(page, `${NAME}-03-map`);
    await map.getByRole('button', { name: /^A CLOSING, B CLOSING: 4 steps away/ }).click();
    await expectStates(page, 'CLOSING', 'CLOSING', 'the cell loads its way');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('a running search can be cancelled, and the page stays responsive meanwhile', async () => {
  const page = await openExplorer();
  try {
    await page.click('[data-testid="explore-map-button"]');
    const cancel = page.locator('[data-testid="explore-cancel"]');
    await cancel.waitFor();
    // The page answers while the worker searches: Reset is taken at once.
    await page.click('[data-action="reset"]');
    await expectStates(page, 'CLOSED', 'CLOSED', 'the page resets during the search');
    await cancel.click();
    await page.getByText('Search cancelled.').waitFor();
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('under the strict CSP the worker runs and the way is loaded', async () => {
  const page = await openExplorer(ctx.strict.url);
  try {
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await search(page, 'CLOSING', 'CLOSING', true);
    await expectStates(page, 'CLOSING', 'CLOSING');
    assert.deepEqual(violations, []);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('in Chinese, at 360 px: the panel and the map fit and read naturally', async () => {
  const page = await openExplorer(`${ctx.server.url}?lang=zh`, { viewport: { width: 360, height: 740 } });
  try {
    await page.locator('[data-testid="explore-search"]', { hasText: '搜索' }).waitFor({ timeout: 10000 });
    await page.click('[data-testid="explore-map-button"]');
    await page.locator('[data-testid="explore-map"]').waitFor({ timeout: 20000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page does not scroll sideways (${overflow} px)`);
    const [scrollWidth, clientWidth] = await page.locator('.explore-map-scroll')
      .evaluate((e) => [e.scrollWidth, e.clientWidth]);
    assert.ok(scrollWidth <= clientWidth, `the eleven columns fit without scrolling (${scrollWidth} > ${clientWidth} px)`);
    await page.locator('[data-testid="explore-panel"]').screenshot({ path: `${process.cwd()}/tests/browser/artifacts/${NAME}-04-map-zh-360.png` });
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});
