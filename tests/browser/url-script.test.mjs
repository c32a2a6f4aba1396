// The URL fragment `#script=<base64url of the UTF-8 script>` loads a script: the page opens
// at its end with the text in the script panel. A fragment that cannot be decoded, or a
// script with an error, gives a clear notice (role=alert) and a page that still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady, assertNoProblems, base64url, expectSegs, expectStates, openPage, peerCall, screenshot,
  scriptText, timeControl, useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'url-script';

test('#script= loads a handshake and A close, with the text in the script panel', async () => {
  // A comment in other scripts than Latin checks the UTF-8 decoding.
  const script = '# 三次握手 — then A closes ✓\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\n';
  const page = await openPage(app.browser, `${app.server.url}#script=${base64url(script)}`);
  await appReady(page);
  await expectStates(page, 'FIN_WAIT_1', 'ESTABLISHED');
  await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered', 's4:ACK,FIN:in-flight']);
  assert.equal(await scriptText(page), script, 'the script panel holds the URL\'s script, byte for byte');
  assert.equal(await page.locator('[role="alert"]').count(), 0, 'no error notice');
  await screenshot(page, `${NAME}-01-loaded`);

  // The loaded session is live: act on it.
  await timeControl(page, 'step');
  await expectStates(page, 'FIN_WAIT_1', 'CLOSE_WAIT');
  assert.equal(await scriptText(page), `${script}deliver s4\n`);
  assertNoProblems(page);
  await page.close();
});

test('a fragment that is not base64url gives an alert, the default scenario, and a working page', async () => {
  const page = await openPage(app.browser, `${app.server.url}#script=***not-base64***`);
  await appReady(page);
  const alert = page.locator('[role="alert"]');
  await alert.first().waitFor();
  const text = await alert.first().innerText();
  assert.match(text, /could not be read/i, `the notice says the link's script could not be read: ${text}`);
  assert.match(text, /character/i, 'the notice says what is wrong');
  assert.ok(await alert.first().isVisible(), 'the notice is visible');
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED', 'the default scenario is shown instead');
  await screenshot(page, `${NAME}-02-malformed-fragment`);

  // The page still works: dismiss the notice, reset, and start a connection.
  await page.getByRole('button', { name: 'Dismiss' }).click();
  assert.equal(await page.locator('[role="alert"]').count(), 0, 'Dismiss removes the notice');
  await timeControl(page, 'reset');
  await expectStates(page, 'CLOSED', 'CLOSED');
  await peerCall(page, 'B', 'listen');
  await peerCall(page, 'A', 'connect');
  await expectStates(page, 'SYN_SENT', 'LISTEN');
  await expectSegs(page, ['s1:SYN:in-flight']);
  await screenshot(page, `${NAME}-03-still-works`);
  assertNoProblems(page);
  await page.close();
});

test('a URL script with a bad line says which line, keeps the text, and the page works', async () => {
  const script = 'B listen\nA conect\n';
  const page = await openPage(app.browser, `${app.server.url}#script=${base64url(script)}`);
  await appReady(page);
  const alert = page.locator('[role="alert"]');
  await alert.first().waitFor();
  const all = (await alert.allInnerTexts()).join('\n');
  assert.match(all, /line 2/i, `the error names line 2: ${all}`);
  assert.equal(await scriptText(page), script, 'the text is kept for fixing');
  await screenshot(page, `${NAME}-04-bad-line`);

  await page.locator('textarea.script').fill('B listen\nA connect\n');
  await page.click('[data-action="run"]');
  await expectStates(page, 'SYN_SENT', 'LISTEN');
  assert.equal(await page.locator('#script-error').count(), 0, 'the error is gone once the script runs');
  await screenshot(page, `${NAME}-05-fixed`);
  assertNoProblems(page);
  await page.close();
});
