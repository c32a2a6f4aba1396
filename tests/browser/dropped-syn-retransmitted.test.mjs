// Dropping A's SYN: the arrow ends in a cross (data-status="dropped"), A stays in SYN_SENT
// with its retransmission timer running, and at the RTO (Next timer) the SYN goes again as
// s2; delivering it finishes the handshake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actOnSeg, assertNoProblems, expectSegs, expectStates, peerCall, scriptText, shooter, timeControl,
  useApp, withApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'dropped-syn-retransmitted';

test('a dropped SYN is retransmitted after the RTO and the handshake completes', async () => {
  await withApp(app.browser, app.server.url, NAME, async (page) => {
    const shot = shooter(page, NAME);

    await peerCall(page, 'B', 'listen');
    await peerCall(page, 'A', 'connect');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    await expectSegs(page, ['s1:SYN:in-flight']);
    await shot('01-syn-in-flight');

    await actOnSeg(page, 's1', 'drop');
    await expectSegs(page, ['s1:SYN:dropped']);
    await expectStates(page, 'SYN_SENT', 'LISTEN', 'a lost SYN changes nobody\'s state');
    assert.equal(await page.locator('[data-seg="s1"] .cross').count(), 1, 'a dropped arrow ends in a cross');
    await page.locator('[data-peer="A"] [data-timer="RTO"]').waitFor();
    assert.equal(await page.locator('.segment-menu').count(), 0, 'no menu for a segment no longer in flight');
    await shot('02-syn-dropped');

    await timeControl(page, 'next-timer');
    await expectSegs(page, ['s1:SYN:dropped', 's2:SYN:in-flight']);
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    assert.match(await page.locator('[data-seg="s2"]').getAttribute('aria-label'), /retransmission/i,
      's2\'s accessible name says it is a retransmission');
    assert.match(await scriptText(page), /^B listen\nA connect\ndrop s1\nwait 1s\n$/);
    await shot('03-syn-retransmitted');

    await actOnSeg(page, 's2', 'deliver');
    await expectStates(page, 'SYN_SENT', 'SYN_RCVD');
    await expectSegs(page, ['s1:SYN:dropped', 's2:SYN:delivered', 's3:SYN,ACK:in-flight']);
    await actOnSeg(page, 's3', 'deliver');
    await expectStates(page, 'ESTABLISHED', 'SYN_RCVD');
    await actOnSeg(page, 's4', 'deliver');
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
    await expectSegs(page, ['s1:SYN:dropped', 's2:SYN:delivered', 's3:SYN,ACK:delivered', 's4:ACK:delivered']);
    await shot('04-established');
    assertNoProblems(page);
  });
});
