// The inspector says what became of a segment at the cursor (issue 10's smaller things): a
// dropped one was dropped, one in flight has not arrived, and with the cursor before its
// sending it is not on the network yet, without the fields that would tell the future. A
// listening peer's TCB says it has no sequence numbers yet instead of showing zeros.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady, assertNoProblems, base64url, clickSeg, expectStates, openPage, timeControl, useApp,
} from './helpers.mjs';

const app = useApp();

test('the inspector tells a segment\'s fate at the cursor; a listener shows no sequence numbers', async () => {
  const script = 'B listen\nA connect\ndrop s1\n';
  const page = await openPage(app.browser, `${app.server.url}#script=${base64url(script)}`);
  try {
    await appReady(page);
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    const tcbNote = page.getByTestId('tcb-listen');
    await tcbNote.waitFor();
    assert.match(await tcbNote.innerText(), /no sequence numbers yet/);

    await clickSeg(page, 's1');
    const fate = page.getByTestId('inspector-fate');
    await fate.waitFor({ timeout: 20000 });
    assert.match(await fate.innerText(), /dropped in flight: B never received it/);
    assert.match(await page.locator('.inspector').innerText(), /occupies 1 sequence number\)/);

    // One command back: s1 is in flight again.
    await timeControl(page, 'back');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    await page.waitForFunction(() => /still in flight/.test(document.querySelector('[data-testid="inspector-fate"]')?.innerText ?? ''));

    // Back before A's connect: s1 does not exist yet, and its fields are not shown.
    await timeControl(page, 'back');
    await expectStates(page, 'CLOSED', 'LISTEN');
    await page.waitForFunction(() => /Not sent yet/.test(document.querySelector('[data-testid="inspector-fate"]')?.innerText ?? ''));
    assert.equal(await page.locator('.inspector table.fields').count(), 0, 'no header fields before the segment exists');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});
