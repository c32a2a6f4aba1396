// Smoke test: the release build loads and mounts the app on a handshake not yet started (both
// CLOSED, empty script: the first steps start there), runs the default scenario (the
// handshake preset) from a link and the script panel's Run, without a console error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  appReady, assertNoProblems, base64url, expectStates, openPage, ROOT, screenshot, scriptText, segs,
  useApp,
} from './helpers.mjs';

const app = useApp();

test('page loads on both CLOSED, shows both peers and the diagram, and Run re-runs a script', async () => {
  const plain = await openPage(app.browser, app.server.url);
  await appReady(plain);
  await expectStates(plain, 'CLOSED', 'CLOSED', 'a plain visit opens before the handshake');
  assert.equal(await scriptText(plain), '');
  assertNoProblems(plain);
  await plain.close();

  const handshake = readFileSync(join(ROOT, 'scenarios', 'handshake.tcps'), 'utf8');
  const page = await openPage(app.browser, `${app.server.url}#script=${base64url(handshake)}`);
  await appReady(page);
  await page.locator('h1', { hasText: 'synack' }).waitFor();

  // All eleven states of RFC 9293 Figure 5 are drawn.
  const nodes = await page.locator('[data-state-node]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state-node')));
  assert.deepEqual(nodes.sort(), [
    'CLOSED', 'CLOSE_WAIT', 'CLOSING', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'LAST_ACK',
    'LISTEN', 'SYN_RCVD', 'SYN_SENT', 'TIME_WAIT',
  ].sort());

  const text = await scriptText(page);
  assert.notEqual(text.trim(), '', 'the script box is empty');
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED', 'the default scenario (handshake preset) ends ESTABLISHED');
  const before = await segs(page);
  assert.ok(before.length >= 3, `the default scenario draws its segments: ${before}`);

  await page.click('[data-action="run"]');
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
  assert.deepEqual(await segs(page), before, 'Run of the same script draws the same arrows');
  assert.equal(await scriptText(page), text, 'Run keeps the script text');
  assert.doesNotMatch(await page.locator('body').innerText(), /panicked/);

  await screenshot(page, 'smoke');
  assertNoProblems(page);
  await page.close();
});
