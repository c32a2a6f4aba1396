// A full connection by clicks: B listen, A connect, the three-way handshake delivered from
// each arrow's menu (and once with Step), A closes first, B closes after CLOSE_WAIT, and
// A's TIME_WAIT ends at the 2MSL timer (Next timer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actOnSeg, assertNoProblems, expectSegs, expectStates, peerCall, scriptText, shooter, timeControl,
  useApp, withApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'full-handshake-and-close';

test('handshake, A closes first, TIME_WAIT then CLOSED after 2MSL', async () => {
  await withApp(app.browser, app.server.url, NAME, async (page) => {
    const shot = shooter(page, NAME);
    await shot('00-reset');

    await peerCall(page, 'B', 'listen');
    await expectStates(page, 'CLOSED', 'LISTEN');
    await expectSegs(page, []);
    await shot('01-b-listen');

    await peerCall(page, 'A', 'connect');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    await expectSegs(page, ['s1:SYN:in-flight']);
    await page.locator('[data-peer="A"] [data-timer="RTO"]').waitFor();
    await shot('02-a-connect');

    await actOnSeg(page, 's1', 'deliver');
    await expectStates(page, 'SYN_SENT', 'SYN_RCVD');
    await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:in-flight']);
    await shot('03-syn-delivered');

    await actOnSeg(page, 's2', 'deliver');
    await expectStates(page, 'ESTABLISHED', 'SYN_RCVD');
    await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:in-flight']);
    await shot('04-synack-delivered');

    // Step at the live end delivers the oldest segment in flight.
    await timeControl(page, 'step');
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
    await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered']);
    await shot('05-established');

    await peerCall(page, 'A', 'close');
    await expectStates(page, 'FIN_WAIT_1', 'ESTABLISHED');
    await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered', 's4:ACK,FIN:in-flight']);
    await shot('06-a-close');

    await actOnSeg(page, 's4', 'deliver');
    await expectStates(page, 'FIN_WAIT_1', 'CLOSE_WAIT');
    await expectSegs(page, [
      's1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered', 's4:ACK,FIN:delivered', 's5:ACK:in-flight',
    ]);
    await shot('07-fin-delivered');

    await actOnSeg(page, 's5', 'deliver');
    await expectStates(page, 'FIN_WAIT_2', 'CLOSE_WAIT');
    await shot('08-fin-acked');

    // B's application closes its side in CLOSE_WAIT.
    await peerCall(page, 'B', 'close');
    await expectStates(page, 'FIN_WAIT_2', 'LAST_ACK');
    await expectSegs(page, [
      's1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered', 's4:ACK,FIN:delivered', 's5:ACK:delivered',
      's6:ACK,FIN:in-flight',
    ]);
    await shot('09-b-close');

    await actOnSeg(page, 's6', 'deliver');
    await expectStates(page, 'TIME_WAIT', 'LAST_ACK');
    await page.locator('[data-peer="A"] [data-timer="2MSL"]').waitFor();
    await shot('10-time-wait');

    await actOnSeg(page, 's7', 'deliver');
    await expectStates(page, 'TIME_WAIT', 'CLOSED');
    await expectSegs(page, [
      's1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered', 's4:ACK,FIN:delivered', 's5:ACK:delivered',
      's6:ACK,FIN:delivered', 's7:ACK:delivered',
    ]);
    await shot('11-b-closed');

    await timeControl(page, 'next-timer');
    await expectStates(page, 'CLOSED', 'CLOSED');
    assert.equal(await page.locator('[data-peer="A"] [data-timer="2MSL"]').count(), 0, 'the 2MSL timer is gone');
    await shot('12-a-closed');

    const script = await scriptText(page);
    assert.match(
      script,
      /^B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\ndeliver s4\ndeliver s5\nB close\ndeliver s6\ndeliver s7\nwait \S+\n$/,
      'the script panel records every click as a line',
    );
    assertNoProblems(page);
  });
});
