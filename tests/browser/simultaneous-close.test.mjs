// Simultaneous close: both peers close before either FIN arrives. Each FIN then reaches a
// peer in FIN_WAIT_1 whose own FIN is not yet acknowledged: both go to CLOSING; the ACKs of
// the FINs take both to TIME_WAIT.
import { test } from 'node:test';
import {
  actOnSeg, assertNoProblems, expectSegs, expectStates, handshakeByClicks, peerCall, shooter,
  useApp, withApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'simultaneous-close';
const HANDSHAKE = ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered'];

test('both close at once: CLOSING on both sides, then TIME_WAIT on both', async () => {
  await withApp(app.browser, app.server.url, NAME, async (page) => {
    const shot = shooter(page, NAME);
    await handshakeByClicks(page);
    await shot('01-established');

    await peerCall(page, 'A', 'close');
    await peerCall(page, 'B', 'close');
    await expectStates(page, 'FIN_WAIT_1', 'FIN_WAIT_1');
    await expectSegs(page, [...HANDSHAKE, 's4:ACK,FIN:in-flight', 's5:ACK,FIN:in-flight']);
    await shot('02-both-fins-in-flight');

    await actOnSeg(page, 's4', 'deliver');
    await expectStates(page, 'FIN_WAIT_1', 'CLOSING');
    await actOnSeg(page, 's5', 'deliver');
    await expectStates(page, 'CLOSING', 'CLOSING');
    await expectSegs(page, [
      ...HANDSHAKE, 's4:ACK,FIN:delivered', 's5:ACK,FIN:delivered', 's6:ACK:in-flight', 's7:ACK:in-flight',
    ]);
    await shot('03-both-closing');

    await actOnSeg(page, 's6', 'deliver');
    await expectStates(page, 'TIME_WAIT', 'CLOSING');
    await actOnSeg(page, 's7', 'deliver');
    await expectStates(page, 'TIME_WAIT', 'TIME_WAIT');
    await expectSegs(page, [
      ...HANDSHAKE, 's4:ACK,FIN:delivered', 's5:ACK,FIN:delivered', 's6:ACK:delivered', 's7:ACK:delivered',
    ]);
    await page.locator('[data-peer="A"] [data-timer="2MSL"]').waitFor();
    await page.locator('[data-peer="B"] [data-timer="2MSL"]').waitFor();
    await shot('04-both-time-wait');
    assertNoProblems(page);
  });
});
