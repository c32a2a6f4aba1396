// Issue 13's views: the congestion strip opens by itself for a run that moves data and marks a
// fast retransmit (a marker moves the cursor and opens the retransmission, whose inspector
// says why it left then); the window bars give the sequence numbers at the cursor; the
// inspector says the Nagle algorithm held a segment and which ACK released it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, appReady, assertNoProblems, base64url, clickSeg, openPage, screenshot, useApp,
} from './helpers.mjs';

const app = useApp();
const scenario = (name) => readFileSync(join(ROOT, 'scenarios', `${name}.tcps`), 'utf8');

async function open(script, options) {
  const page = await openPage(app.browser, `${app.server.url}#script=${base64url(script)}`, options);
  await appReady(page);
  return page;
}

test('the strip opens for a data run and marks the fast retransmit; its marker opens the retransmission', async () => {
  const page = await open(`set cc newreno\n${scenario('fast-retransmit')}`, { viewport: { width: 1366, height: 768 } });
  try {
    const toggle = page.getByTestId('cc-toggle');
    await toggle.waitFor();
    // The link's own run leaves it closed (a link's first paint fetches no part)...
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'closed for the run the page opened with');
    // ...and running a data script on the page opens it by itself.
    await page.click('[data-action="run"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="cc-toggle"]')?.getAttribute('aria-expanded') === 'true');
    const strip = page.getByTestId('cc-strip-A');
    await strip.waitFor({ timeout: 20000 });
    assert.equal(await page.getByTestId('cc-strip-B').count(), 0, 'B sent no data: no strip');
    const mark = strip.locator('[data-mark="fast_retransmit"]');
    assert.equal(await mark.count(), 1);
    assert.match(await mark.innerText(), /three duplicate ACKs \(s13\).*s15/);
    assert.equal(await strip.locator('[data-mark="recovery_end"]').count(), 1);
    await mark.scrollIntoViewIfNeeded();
    await mark.click();
    // The cursor is just after the fast retransmit: fast recovery, and s15 inspected.
    await page.waitForFunction(() => /fast recovery/.test(document.querySelector('[data-testid="cc-strip-A"] [data-testid="cc-phase"]')?.innerText ?? ''));
    const why = page.getByTestId('inspector-why');
    await why.waitFor({ timeout: 20000 });
    assert.match(await why.innerText(), /Fast retransmit: s13 was the third duplicate ACK/);
    assert.match(await page.locator('.inspector h3').innerText(), /^s15/);
    await screenshot(page, 'cc-views-fast-retransmit-1366');
    // Closed by hand, it stays closed.
    await toggle.click();
    assert.equal(await page.getByTestId('cc-views').count(), 0);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('the time-sequence graph shows for a data run, marks the retransmission and follows the cursor', async () => {
  const page = await open(`set cc newreno\n${scenario('fast-retransmit')}`, { viewport: { width: 1366, height: 768 } });
  try {
    await page.click('[data-action="run"]');
    const graph = page.getByTestId('cc-tseq-A');
    await graph.waitFor({ timeout: 20000 });
    assert.equal(await page.getByTestId('cc-tseq-B').count(), 0, 'B sent no data: no graph');
    // The SYN, six data segments, the retransmission of s5 and the FIN.
    assert.equal(await graph.getAttribute('data-retransmissions'), '1');
    assert.equal(await graph.getAttribute('data-segments'), '9');
    const d = (sel) => graph.locator(sel).getAttribute('d');
    // At the end of the run the retransmission is drawn solid, and the ACK line is there.
    assert.match(await d('path.retx:not(.future)'), /^M/);
    assert.equal(await d('path.retx.future'), '');
    assert.match(await d('path.ack'), /^M.*H/);
    assert.match(await graph.locator('svg').getAttribute('aria-label'), /9 segments, 1 retransmitted/);
    await graph.scrollIntoViewIfNeeded();
    await screenshot(page, 'cc-views-tseq-1366');
    // A click on the graph's first band moves the cursor back to the start: the
    // retransmission, sent later, fades.
    const before = await page.locator('[data-testid="cc-tseq-A"] .now-line').getAttribute('x1');
    await graph.locator('rect.hit').first().click();
    await page.waitForFunction(() => document.querySelector('[data-testid="cc-tseq-A"] path.retx.future')?.getAttribute('d')?.startsWith('M'));
    assert.equal(await d('path.retx:not(.future)'), '');
    const after = await page.locator('[data-testid="cc-tseq-A"] .now-line').getAttribute('x1');
    assert.ok(Number(after) < Number(before), `the cursor moved back: ${before} -> ${after}`);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('the window bars give SND.UNA, SND.NXT, cwnd, the waiting bytes and the out-of-order bytes at the cursor', async () => {
  // The fast-retransmit run up to s5's loss and the two segments after it arriving.
  const text = scenario('fast-retransmit');
  const upTo = text.slice(0, text.indexOf('deliver s7\n') + 'deliver s7\n'.length);
  const page = await open(upTo);
  try {
    await page.getByTestId('cc-toggle').click();
    const send = page.getByTestId('cc-send-A');
    await send.waitFor({ timeout: 20000 });
    const num = (root, id) => root.getByTestId(id).innerText();
    assert.equal(await num(send, 'snd-una'), '1');
    assert.equal(await num(send, 'snd-nxt'), '4001');
    assert.equal(await num(send, 'snd-cwnd'), '4000');
    assert.match(await num(send, 'snd-waiting'), /2000/);
    const recv = page.getByTestId('cc-recv-B');
    assert.equal(await num(recv, 'rcv-nxt'), '1001');
    assert.match(await num(recv, 'rcv-held'), /2000 bytes \(2 segments\)/);
    // One command back (before `deliver s7`): B holds one segment.
    await page.click('[data-action="back"]');
    await page.waitForFunction(() => /1000 bytes \(1 segment\)/.test(document.querySelector('[data-testid="cc-recv-B"] [data-testid="rcv-held"]')?.innerText ?? ''));
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('why now: the inspector says Nagle held the second piece until the ACK s5', async () => {
  const page = await open(scenario('nagle-delayed-ack'));
  try {
    await clickSeg(page, 's6');
    const why = page.getByTestId('inspector-why');
    await why.waitFor({ timeout: 20000 });
    const said = await why.innerText();
    assert.match(said, /Nagle's algorithm held it from 0\.150s/);
    assert.match(said, /The ACK s5 released it\./);
    await clickSeg(page, 's5');
    await page.waitForFunction(() => /delayed-ACK timer ran out/.test(document.querySelector('[data-testid="inspector-why"]')?.innerText ?? ''));
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});
