// The presets menu and playback: every built-in scenario of scenarios/ loads in the page
// with its `expect` lines met (no error notice); Play delivers on its own and pauses when
// nothing more will happen; the P key toggles playback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, expectSegs, expectStates, peerCall, screenshot, scriptText, useApp, withApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'presets-and-playback';

test('every built-in scenario loads from the menu with its expectations met', async () => {
  await withApp(app.browser, app.server.url, `${NAME}-presets`, async (page) => {
    const menu = page.locator('select[data-action="presets"]');
    const options = await menu.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, title: o.textContent })));
    const presets = options.filter((o) => o.value);
    assert.ok(presets.length >= 20, `the menu lists the built-in scenarios: ${presets.length}`);
    const failures = [];
    for (const { value, title } of presets) {
      const before = await scriptText(page);
      await menu.selectOption(value);
      // The script panel shows the preset's text once it has run.
      for (let i = 0; i < 100 && (await scriptText(page)) === before; i++) await page.waitForTimeout(20);
      const alerts = await page.locator('[role="alert"]').allInnerTexts();
      if (alerts.length) failures.push(`${value} (${title}): ${alerts.join(' / ')}`);
      if (value === 'simultaneous-close') await screenshot(page, `${NAME}-01-preset-simultaneous-close`);
    }
    assert.deepEqual(failures, [], 'scenarios whose loading showed an error');
    assertNoProblems(page);
  });
});

test('Play delivers by itself, then pauses when nothing more will happen; P toggles', async () => {
  await withApp(app.browser, app.server.url, `${NAME}-play`, async (page) => {
    await peerCall(page, 'B', 'listen');
    await peerCall(page, 'A', 'connect');
    await page.click('[data-action="play"]');
    await page.locator('[data-action="pause"]').waitFor();
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
    await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered']);
    // Nothing in flight, no timer: playback stops by itself and says so.
    await page.locator('[data-action="play"]').waitFor({ timeout: 10000 });
    assert.match(await page.locator('.notice').innerText(), /paused/i);
    assert.match(await scriptText(page), /^B listen\nA connect\nset delivery auto\nwait \S+\n$/);
    await screenshot(page, `${NAME}-02-played`);

    // P starts and stops playback (focus on the page, not in a field).
    await peerCall(page, 'A', 'close');
    await page.locator('h1').click();
    await page.keyboard.press('p');
    await page.locator('[data-action="pause"]').waitFor();
    await page.keyboard.press('p');
    await page.locator('[data-action="play"]').waitFor();
    assertNoProblems(page);
  });
});
