// The Linux view: the header toggle spells states as `ss -tan` does (diagram, peer panels,
// chart), shows each host's sockets with their queues and addresses, and explains where Linux
// differs from RFC 9293; `set profile linux` gives the 60 s TIME_WAIT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady, assertNoProblems, base64url, eventually, expectStates, openPage, screenshot,
  scriptText, timeControl, useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'linux-view';

/** Each host's ss rows as `STATE RecvQ SendQ local peer`. */
function ssRows(page) {
  return page.evaluate(() => {
    const of = (host) =>
      [...document.querySelectorAll(`[data-testid="ss-table"] [data-host="${host}"] tbody tr[data-ss-state]`)]
        .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()).join(' '));
    return { A: of('A'), B: of('B') };
  });
}

/** The state names the peer panels show, and the diagram nodes that are highlighted. */
function shownNames(page) {
  return page.evaluate(() => ({
    A: document.querySelector('[data-peer="A"] output.state')?.textContent.trim(),
    B: document.querySelector('[data-peer="B"] output.state')?.textContent.trim(),
    nodes: [...document.querySelectorAll('[data-state-node] .node-name')].map((t) => t.textContent.trim()),
    chart: [...document.querySelectorAll('.state-label')].map((t) => t.textContent.trim()),
  }));
}

const HANDSHAKE = 'B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n';

test('the Linux view: ss names, the socket table with its queues, the notes', async () => {
  // A has sent 100 bytes that B has not acknowledged yet (s4 in flight).
  const script = `${HANDSHAKE}A send 100\n`;
  const page = await openPage(app.browser, `${app.server.url}#script=${base64url(script)}`);
  await appReady(page);
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
  assert.equal(await page.locator('[data-testid="ss-table"]').count(), 0, 'no table before the toggle');
  assert.equal((await shownNames(page)).A, 'ESTABLISHED');

  await page.locator('[data-testid="linux-toggle"]').check();
  await page.locator('[data-testid="ss-table"]').waitFor();
  const names = await shownNames(page);
  assert.equal(names.A, 'ESTAB', 'A\'s panel shows ss\'s name');
  assert.equal(names.B, 'ESTAB');
  for (const n of ['ESTAB', 'SYN-SENT', 'SYN-RECV', 'TIME-WAIT', 'CLOSE-WAIT', 'LAST-ACK', 'FIN-WAIT-1', 'UNCONN']) {
    assert.ok(names.nodes.includes(n), `the diagram has a node named ${n}: ${names.nodes}`);
  }
  assert.ok(!names.nodes.includes('ESTABLISHED'), 'no RFC spelling left on the diagram');
  assert.ok(names.chart.includes('ESTAB') && names.chart.includes('SYN-SENT'), `chart labels: ${names.chart}`);
  // The peer panels' words use the view's names too: no ESTABLISHED beside an ESTAB badge.
  const why = page.locator('[data-peer="A"] details.why summary');
  assert.equal(await why.textContent(), 'Why are some calls off in ESTAB?');
  assert.match(await page.locator('[data-peer="A"] [data-action="connect"]').getAttribute('title'), /^Not in ESTAB:/);
  // The automation hooks keep the script's spelling.
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');

  await eventually(() => ssRows(page), {
    A: ['ESTAB 0 100 192.0.2.1:49152 198.51.100.7:80'],
    B: ['ESTAB 0 0 198.51.100.7:80 192.0.2.1:49152'],
  }, 'Send-Q holds the 100 unacknowledged bytes');

  const notes = page.locator('[data-testid="linux-notes"]');
  await notes.waitFor();
  assert.equal(await notes.locator('dt').count(), 13, 'thirteen differences listed, each measured by the Linux lab');
  assert.match(await notes.innerText(), /60 s/);
  await screenshot(page, `${NAME}-01-estab-desktop`);

  // Back in time: the table follows the cursor. After `deliver s1`, B's listener stays in
  // LISTEN and the connection is a SYN-RECV request socket.
  for (let i = 0; i < 3; i += 1) await timeControl(page, 'back');
  await expectStates(page, 'SYN_SENT', 'SYN_RCVD');
  assert.equal((await shownNames(page)).B, 'SYN-RECV');
  await eventually(() => ssRows(page), {
    A: ['SYN-SENT 0 1 192.0.2.1:49152 198.51.100.7:80'],
    B: ['LISTEN 0 128 0.0.0.0:80 0.0.0.0:*', 'SYN-RECV 0 0 198.51.100.7:80 192.0.2.1:49152'],
  }, 'SYN-RECV beside the listener; the SYN counts one in Send-Q');
  await screenshot(page, `${NAME}-02-syn-recv-desktop`);

  // A phone: the table scrolls inside its box, the page does not.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.locator('[data-testid="ss-table"]').scrollIntoViewIfNeeded();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal page scroll at 360 px (overflow ${overflow}px)`);
  await screenshot(page, `${NAME}-03-syn-recv-360`);

  // Off again: the RFC names come back and the panels go.
  await page.locator('[data-testid="linux-toggle"]').uncheck();
  await eventually(async () => (await shownNames(page)).B, 'SYN_RCVD', 'RFC spelling again');
  assert.equal(await page.locator('[data-peer="A"] details.why summary').textContent(), 'Why are some calls off in SYN_SENT?');
  assert.equal(await page.locator('[data-testid="linux-notes"]').count(), 0);
  assertNoProblems(page);
  await page.close();
});

test('set profile linux: TIME_WAIT lasts 60 s in the UI, against 4 minutes without it', async () => {
  const close = `${HANDSHAKE}A close\ndeliver s4\ndeliver s5\nB close\ndeliver s6\ndeliver s7\n`;
  const timeWaitLeft = (page) =>
    page.locator('[data-peer="A"] [data-timer="2MSL"] .timer-left').innerText();

  const rfc = await openPage(app.browser, `${app.server.url}#script=${base64url(close)}`);
  await appReady(rfc);
  await expectStates(rfc, 'TIME_WAIT', 'CLOSED');
  assert.equal(await timeWaitLeft(rfc), '4:00', 'RFC 9293: 2 x MSL = 4 minutes');
  await rfc.close();

  const page = await openPage(app.browser, `${app.server.url}#script=${base64url(`set profile linux\n${close}`)}`);
  await appReady(page);
  await expectStates(page, 'TIME_WAIT', 'CLOSED');
  assert.equal(await timeWaitLeft(page), '1:00', 'Linux: a fixed 60 s');
  await page.locator('[data-testid="linux-toggle"]').check();
  await page.locator('[data-testid="linux-profile-on"]').waitFor();
  await eventually(() => ssRows(page), {
    A: ['TIME-WAIT 0 0 192.0.2.1:49152 198.51.100.7:80'],
    B: [],
  }, 'a TIME-WAIT socket has no queues; B has no socket');
  assert.match(await page.locator('[data-testid="ss-table"] [data-host="B"]').innerText(), /No socket/);
  await screenshot(page, `${NAME}-04-time-wait-60s`);

  await timeControl(page, 'next-timer');
  await expectStates(page, 'CLOSED', 'CLOSED');
  assert.match(await page.locator('.clock').innerText(), /t = 60(\.0+)?\s?s/, 'closed at t = 60 s');
  assertNoProblems(page);
  await page.close();
});

test('the notes panel\'s button adds set profile linux to the script', async () => {
  const page = await openPage(app.browser, app.server.url);
  await appReady(page);
  await timeControl(page, 'reset');
  await expectStates(page, 'CLOSED', 'CLOSED');
  await page.locator('[data-testid="linux-toggle"]').check();
  await page.locator('[data-testid="linux-notes"] [data-action="linux-profile"]').click();
  await page.locator('[data-testid="linux-profile-on"]').waitFor();
  assert.equal(await scriptText(page), 'set profile linux\n');
  await screenshot(page, `${NAME}-05-profile-button`);
  assertNoProblems(page);
  await page.close();
});

test('the Linux view in Chinese: the notes and the table speak Chinese, ss names stay', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=zh#script=${base64url(HANDSHAKE)}`);
  await appReady(page);
  await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
  await page.locator('[data-testid="linux-toggle"]').check();
  const notes = page.locator('[data-testid="linux-notes"]');
  await notes.waitFor();
  assert.equal(await notes.locator('h3').innerText(), 'Linux 与 RFC 9293 的不同之处');
  assert.match(await notes.innerText(), /停留 60 秒/);
  assert.match(await page.locator('[data-testid="ss-table"] h3').innerText(), /ss -tan 列出的套接字/);
  assert.equal((await shownNames(page)).A, 'ESTAB', 'ss names are the same in every language');
  await screenshot(page, `${NAME}-06-zh`);
  assertNoProblems(page);
  await page.close();
});
