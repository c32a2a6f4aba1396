// "How do I get there?" (issue 14): the panel asks the explorer's Web Worker for the shortest
// way to a pair of states from the moment shown and loads it as a normal run; an unreachable
// target says why; the 11 x 11 map of reachable pairs has a labelled cell for every pair and
// loads a pair's way when its cell is chosen; it all works under the strict CSP. The targets
// can be picked on the diagram (A, then B), by mouse or keyboard, and the search's result is
// told beside the diagram.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  appReady, assertNoProblems, base64url, eventually, expectStates, launchBrowser, openPage, ROOT,
  scriptText, screenshot, serveStatic, states,
} from './helpers.mjs';

/** The handshake scenario, carried by the link: a plain visit opens before the handshake. */
const HANDSHAKE = `#script=${base64url(readFileSync(join(ROOT, 'scenarios', 'handshake.tcps'), 'utf8'))}`;

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

/** The handshake scenario (both peers ESTABLISHED) at `url`, the panel opened. */
async function openExplorer(url = ctx.server.url, options = {}) {
  const page = await openPage(ctx.browser, url + HANDSHAKE, options);
  await appReady(page);
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED', 'the handshake scenario ends established');
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

test('A=CLOSING, B=CLOSING from the handshake: the shortest way is loaded as the run', async () => {
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

/** Whether `locator`'s box lies inside the viewport (the result of a click, seen without scrolling). */
async function inView(page, locator) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  return box && box.y >= 0 && box.x >= 0 && box.y + box.height <= vp.height && box.x + box.width <= vp.width;
}

test('picking on the diagram at 1366×768: A then B, the search runs, and the bar beside the diagram says how it went', async () => {
  const page = await openExplorer(ctx.server.url, { viewport: { width: 1366, height: 768 } });
  try {
    await page.click('[data-testid="explore-pick"]');
    const bar = page.locator('[data-testid="explore-pick-bar"]');
    await bar.waitFor();
    assert.match(await bar.textContent(), /state A should end up in \(1 of 2\)/);
    assert.ok(await inView(page, bar), 'the pick bar is brought into view');
    assert.ok(await inView(page, page.locator('[data-state-node="CLOSING"]')), 'and so is the diagram');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'explore-pick-bar', 'focus moves to the bar');
    // The states are outlined in A's colour as the things to click.
    assert.equal(await page.locator('.diagram-panel.picking-a').count(), 1);

    await page.locator('[data-state-node="CLOSING"]').click();
    assert.match(await bar.textContent(), /A: CLOSING\. Now click the state B should end up in \(2 of 2\)/);
    assert.equal(await page.locator('.diagram-panel.picking-b').count(), 1);
    assert.equal(await page.locator('[data-state-node="CLOSING"] .target-ring.peer-a').count(), 1, "A's pick is ringed");
    assert.equal(await page.locator('[data-testid="explore-a"]').inputValue(), 'CLOSING', 'the panel shows the pick');
    assert.equal(await page.locator('.explain').count(), 0, 'a pick opens no explanation');
    await screenshot(page, `${NAME}-05-picking-b`, { fullPage: false });

    await page.locator('[data-state-node="CLOSING"]').click();
    await expectStates(page, 'CLOSING', 'CLOSING', 'the way to the picked pair is loaded as the run');
    await eventually(async () => /Loaded the shortest way to A CLOSING, B CLOSING: 4 steps/.test(await bar.textContent()), true,
      'the bar over the diagram says what was loaded');
    assert.ok(await inView(page, bar), 'the result is where the user clicked');
    assert.equal(await page.locator('.diagram-panel.picking').count(), 0, 'the pick is over');
    assert.equal(await page.locator('.target-ring').count(), 0);
    assert.equal(await page.locator('.explain').count(), 0);
    await screenshot(page, `${NAME}-06-picked-found`, { fullPage: false });
    await page.click('[data-testid="explore-bar-close"]');
    assert.equal(await bar.count(), 0, 'Close puts the bar away');
    // The diagram's clicks explain states again.
    await page.locator('[data-state-node="LISTEN"]').click();
    await page.locator('.explain').waitFor();
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('picking by keyboard, with "Any state" for B; Escape ends a pick and changes nothing', async () => {
  const page = await openExplorer();
  try {
    const bar = page.locator('[data-testid="explore-pick-bar"]');
    await page.click('[data-testid="explore-pick"]');
    await bar.waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await bar.count(), 0, 'Escape ends the pick');
    assert.equal(await page.locator('[data-testid="explore-a"]').inputValue(), 'CLOSING', 'the targets are unchanged');
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');

    await page.click('[data-testid="explore-pick"]');
    await bar.waitFor();
    await page.locator('[data-state-node="TIME_WAIT"]').focus();
    await page.keyboard.press('Enter');
    assert.match(await bar.textContent(), /A: TIME_WAIT\./);
    await page.click('[data-testid="explore-pick-any"]');
    assert.equal(await page.locator('[data-testid="explore-b"]').inputValue(), '*');
    await eventually(async () => (await states(page)).A, 'TIME_WAIT', 'the way to A in TIME_WAIT, B anywhere, is loaded');
    await eventually(async () => /Loaded the shortest way to A TIME_WAIT/.test(await bar.textContent()), true, 'the bar says so');
    const script = await scriptText(page);
    assert.match(script, /^expect A TIME_WAIT$/m, script);
    // B was any state: the shortest way leaves B wherever it ends (the CLI gives the same).
    assert.match(await bar.textContent(), /A TIME_WAIT, B LAST_ACK: 4 steps/);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('picking at 360 px in Chinese: the bar fits above the diagram and its buttons are 44 px', async () => {
  const page = await openExplorer(`${ctx.server.url}?lang=zh`, { viewport: { width: 360, height: 740 } });
  try {
    await page.locator('[data-testid="explore-search"]', { hasText: '搜索' }).waitFor({ timeout: 10000 });
    await page.click('[data-testid="explore-pick"]');
    const bar = page.locator('[data-testid="explore-pick-bar"]');
    await bar.waitFor();
    assert.match(await bar.textContent(), /点击 A 最终要到达的状态/);
    assert.ok(await inView(page, bar), 'the bar is in view');
    for (const b of await bar.locator('button').all()) {
      const box = await b.boundingBox();
      assert.ok(box.height >= 44, `a bar button is ${box.height} px high`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page does not scroll sideways (${overflow} px)`);
    await page.locator('[data-state-node="FIN_WAIT_1"]').click();
    assert.match(await bar.textContent(), /A：FIN_WAIT_1。/);
    await screenshot(page, `${NAME}-07-picking-zh-360`, { fullPage: false });
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});
