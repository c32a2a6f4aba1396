// An injected RST: after the handshake, the Inject form builds A->B with only the RST flag
// and the "next expected" sequence number. As issue 3 says, the injected segment enters the
// network like any other: it gets the next label and waits in flight until delivered. Then
// B aborts to CLOSED, and A (which sent nothing) stays ESTABLISHED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actOnSeg, assertNoProblems, expectSegs, expectStates, handshakeByClicks, scriptText, shooter,
  useApp, withApp, openInject,
} from './helpers.mjs';

const app = useApp();
const NAME = 'injected-rst';
const HANDSHAKE = ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered'];

/** The checkbox of one flag in the inject form. */
const flagBox = (form, name) => form.locator('label.flag', { hasText: new RegExp(`^\\s*${name}\\s*$`) }).locator('input');

test('an injected RST with the next expected seq resets B to CLOSED', async () => {
  await withApp(app.browser, app.server.url, NAME, async (page) => {
    const shot = shooter(page, NAME);
    await handshakeByClicks(page);

    const form = await openInject(page);
    await form.getByLabel('Direction').selectOption({ label: 'A → B' });
    // RST only: clear every other flag (ACK is ticked by default), tick RST.
    for (const name of ['SYN', 'ACK', 'FIN', 'PSH', 'URG']) {
      const box = flagBox(form, name);
      if (await box.isChecked()) await box.click();
    }
    await flagBox(form, 'RST').click();
    for (const name of ['SYN', 'ACK', 'FIN', 'PSH', 'URG']) {
      assert.equal(await flagBox(form, name).isChecked(), false, `${name} is cleared`);
    }
    assert.equal(await flagBox(form, 'RST').isChecked(), true);

    await form.getByRole('button', { name: 'next expected' }).click();
    const seq = form.getByLabel(/^seq/);
    assert.equal(await seq.inputValue(), '1', 'next expected from A after the handshake is relative seq 1');
    await shot('01-form-filled');

    await form.locator('[data-action="inject"]').click();
    await expectSegs(page, [...HANDSHAKE, 's4:RST:in-flight']);
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED', 'the RST has not arrived yet');
    assert.equal(await form.locator('[role="alert"]').count(), 0, 'the form shows no error');
    assert.match(await scriptText(page), /\ninject A->B RST seq=1 inflight\n$/);
    await shot('02-rst-in-flight');

    await actOnSeg(page, 's4', 'deliver');
    await expectStates(page, 'ESTABLISHED', 'CLOSED');
    await expectSegs(page, [...HANDSHAKE, 's4:RST:delivered']);
    assert.match(await page.locator('[data-seg="s4"]').getAttribute('aria-label'), /injected/i);
    assert.match(await scriptText(page), /\ninject A->B RST seq=1 inflight\ndeliver s4\n$/);
    assert.equal(await page.locator('[data-seg="s4"]').getAttribute('data-flags'), 'RST');
    await shot('03-rst-delivered-b-closed');

    // The inspector gives B's reasoning for the RST.
    await page.locator('[data-seg="s4"] .hit').click();
    const inspector = page.locator('.inspector');
    await inspector.waitFor();
    assert.match(await inspector.innerText(), /ESTABLISHED → CLOSED/);
    assert.equal(await page.locator('.segment-menu').count(), 0, 'no Deliver/Drop menu for a delivered segment');
    await shot('04-inspector');
    assertNoProblems(page);
  });
});
