// Bad input gets a message and the app keeps working: garbage in the script panel gives
// its line and keeps the text; absurd numbers in the inject form and in a peer's byte field
// give a message; no page error or console error at any point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, expectSegs, expectStates, handshakeByClicks, peerCall, scriptText, shooter,
  useApp, withApp, openInject,
} from './helpers.mjs';

const app = useApp();

/**
 * Replaces a field's text as a paste does: one input event. (Playwright's `fill` types a
 * multi-line text line by line, which takes seconds for thousands of lines.)
 */
async function paste(page, field, text) {
  await field.evaluate((el, value) => {
    el.focus();
    el.value = value;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
}
const NAME = 'robustness';

test('garbage in the script: Run shows the line, keeps the text, and the app still works', async () => {
  await withApp(app.browser, app.server.url, `${NAME}-script`, async (page) => {
    const shot = shooter(page, NAME);
    const area = page.locator('textarea.script');
    const garbage = 'B listen\n}}}{{{ ¯\\_(ツ)_/¯ \u0000 DROP TABLE segments;\nA connect\n';
    await area.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(garbage);
    assert.equal(await area.inputValue(), garbage, 'the typed text is in the box');
    await page.click('[data-action="run"]');

    const error = page.locator('#script-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.match(await error.innerText(), /line 2\b/i, 'the error names line 2');
    assert.equal(await area.inputValue(), garbage, 'the user\'s text is kept');
    assert.equal(await area.getAttribute('aria-invalid'), 'true');
    await expectStates(page, 'CLOSED', 'CLOSED', 'a script with an error runs nothing');
    await shot('01-script-error');

    // Fix line 2 and run again.
    await area.fill('B listen\nA connect\n');
    await page.click('[data-action="run"]');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    assert.equal(await page.locator('#script-error').count(), 0);
    await expectSegs(page, ['s1:SYN:in-flight']);
    await shot('02-script-fixed');

    // Huge and odd scripts, pasted: a very long line, then a 5,000-line script of comments.
    await paste(page, area, `${'A'.repeat(20000)}\n`);
    await page.click('[data-action="run"]');
    await page.locator('#script-error').waitFor();
    assert.match(await page.locator('#script-error').innerText(), /line 1\b/i);
    const long = `${'# just a comment\n'.repeat(5000)}B listen\n`;
    await paste(page, area, long);
    await page.click('[data-action="run"]');
    assert.equal(await area.inputValue(), long);
    await expectStates(page, 'CLOSED', 'LISTEN');
    await shot('03-long-scripts');
    assertNoProblems(page);
  });
});

test('absurd numbers in the inject form give a message and inject nothing', async () => {
  await withApp(app.browser, app.server.url, `${NAME}-inject`, async (page) => {
    const shot = shooter(page, NAME);
    await handshakeByClicks(page);
    const form = await openInject(page);
    const seq = form.getByLabel(/^seq/);
    const ack = form.getByLabel(/^ack/);
    const len = form.getByLabel(/payload length/);
    const inject = form.locator('[data-action="inject"]');
    const before = await scriptText(page);

    const cases = [
      { seq: '99999999999999999999', ack: '1', len: '0', says: /seq/i },
      { seq: '1', ack: '-99999999999', len: '0', says: /ack/i },
      { seq: '1', ack: '1', len: '4294967296', says: /len/i },
      { seq: '1', ack: '1', len: '-1', says: /len/i },
      { seq: 'NaN', ack: '1', len: '0', says: /seq/i },
      { seq: '@99999999999', ack: '1', len: '0', says: /seq/i },
      { seq: '1e9', ack: '1', len: '0', says: /seq/i },
    ];
    for (const [i, c] of cases.entries()) {
      await seq.fill(c.seq);
      await ack.fill(c.ack);
      await len.fill(c.len);
      await inject.click();
      const alert = form.locator('[role="alert"]');
      await alert.waitFor({ timeout: 3000 });
      const text = await alert.innerText();
      assert.match(text, c.says, `case ${i} (${JSON.stringify(c)}): the message names the field: ${text}`);
      assert.equal(await scriptText(page), before, `case ${i}: nothing was injected`);
      if (i === 0) await shot('04-inject-absurd-seq');
    }
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');

    // No flag at all.
    for (const box of await form.locator('label.flag input').all()) {
      if (await box.isChecked()) await box.click();
    }
    await seq.fill('1');
    await len.fill('0');
    await inject.click();
    assert.match(await form.locator('[role="alert"]').innerText(), /flag/i);

    // A sane segment afterwards works and clears the message: ACK with the next numbers.
    await form.locator('label.flag', { hasText: /^\s*ACK\s*$/ }).locator('input').click();
    await form.getByRole('button', { name: 'next expected' }).click();
    await inject.click();
    // An injected segment enters the network like any other: it waits in flight.
    await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered', 's4:ACK:in-flight']);
    assert.equal(await form.locator('[role="alert"]').count(), 0, 'the message is gone');
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
    await shot('05-inject-sane');
    assertNoProblems(page);
  });
});

test('absurd numbers in a peer\'s byte field give a message, and Send still works', async () => {
  await withApp(app.browser, app.server.url, `${NAME}-bytes`, async (page) => {
    const shot = shooter(page, NAME);
    await handshakeByClicks(page);
    const field = page.getByLabel('Bytes for A to send');
    const alerts = () => page.locator('[role="alert"]:visible, [data-peer="A"] [role="status"]:visible').allInnerTexts();

    const messages = [];
    for (const absurd of ['99999999999999', '-5', '0']) {
      await field.fill(absurd);
      await field.press('Tab');
      // The field must not keep an absurd value silently: a visible message, or the field
      // marked invalid with a message the user can read.
      const said = (await alerts()).join(' | ');
      const invalid = await field.evaluate((el) => ({
        aria: el.getAttribute('aria-invalid'),
        describedBy: el.getAttribute('aria-describedby'),
        value: el.value,
      }));
      messages.push({ absurd, said, ...invalid });
      await shot(`06-bytes-${absurd.length > 5 ? 'huge' : absurd}`);
    }
    // While the field is wrong, Send is off and the typed text stays.
    assert.equal(await field.inputValue(), '0');
    assert.equal(await page.locator('[data-peer="A"] [data-action="send"]').isDisabled(), true);
    // Send goes on with a sane number.
    await field.fill('1000');
    await field.press('Tab');
    await peerCall(page, 'A', 'send');
    assert.match(await scriptText(page), /\nA send 1000\n$/);
    await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered', 's4:ACK,PSH:in-flight']);
    assertNoProblems(page);

    const silent = messages.filter((m) => m.said === '' && !(m.aria === 'true' && m.describedBy));
    assert.deepEqual(silent.map((m) => `${m.absurd} -> field shows ${JSON.stringify(m.value)}, no message`), [],
      'each absurd byte count gets a message (a role=alert/status text, or aria-invalid with a description)');
  });
});
