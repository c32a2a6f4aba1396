// Keyboard-only operation: with nothing but Tab, Shift+Tab, Enter, Space and the arrow keys,
// reset the page, make B listen and A connect, and deliver the three segments of the
// handshake (one from the arrow's menu, one with the → key, one with the Step button).
// Every focused control shows a visible focus ring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady, assertNoProblems, expectSegs, expectStates, openPage, screenshot, useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'keyboard-only-handshake';

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`. */
async function tabTo(page, selector, { backwards = false, max = 120 } = {}) {
  const key = backwards ? 'Shift+Tab' : 'Tab';
  const visited = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const here = await page.evaluate((sel) => {
      const el = document.activeElement;
      const name = el ? `${el.tagName.toLowerCase()}${el.getAttribute('data-action') ? `[${el.getAttribute('data-action')}]` : ''}${el.getAttribute('data-seg') ? `[${el.getAttribute('data-seg')}]` : ''}` : 'none';
      return { match: !!el && el.matches(sel), name };
    }, selector);
    visited.push(here.name);
    if (here.match) return visited.length;
  }
  assert.fail(`${key} never reached ${selector} in ${max} presses; focus went through: ${visited.join(' ')}`);
}

/** The focused element's focus ring, as computed. */
function focusRing(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    return {
      focusVisible: el.matches(':focus-visible'),
      style: cs.outlineStyle,
      width: parseFloat(cs.outlineWidth),
      color: cs.outlineColor,
    };
  });
}

async function assertVisibleRing(page, what) {
  const ring = await focusRing(page);
  assert.equal(ring.focusVisible, true, `${what} matches :focus-visible`);
  assert.notEqual(ring.style, 'none', `${what} has an outline: ${JSON.stringify(ring)}`);
  assert.ok(ring.width >= 2, `${what}'s outline is at least 2px: ${JSON.stringify(ring)}`);
}

test('keyboard only: reset, B listen, A connect, three deliveries, both ESTABLISHED', async () => {
  const page = await openPage(app.browser, app.server.url);
  await appReady(page);

  // Reset (Space), from the top of the page.
  await tabTo(page, '[data-action="reset"]');
  await assertVisibleRing(page, 'the Reset button');
  await page.keyboard.press('Space');
  await expectStates(page, 'CLOSED', 'CLOSED');
  await expectSegs(page, []);

  // B listen (Enter), then back to A's Connect (Shift+Tab, Enter).
  await tabTo(page, '[data-peer="B"] [data-action="listen"]');
  await assertVisibleRing(page, 'B\'s Listen button');
  await page.keyboard.press('Enter');
  await expectStates(page, 'CLOSED', 'LISTEN');
  await tabTo(page, '[data-peer="A"] [data-action="connect"]', { backwards: true });
  await page.keyboard.press('Enter');
  await expectStates(page, 'SYN_SENT', 'LISTEN');
  await expectSegs(page, ['s1:SYN:in-flight']);

  // s1: Tab to its arrow, Enter opens the menu, Tab to Deliver, Enter.
  await tabTo(page, '[data-seg="s1"]');
  await screenshot(page, `${NAME}-01-arrow-focused`);
  await page.keyboard.press('Enter');
  await page.locator('.segment-menu').waitFor();
  // The menu takes focus on its first item, Deliver (tests/browser/keyboard-focus.test.mjs).
  await page.locator('.segment-menu [data-action="deliver"]:focus').waitFor();
  await assertVisibleRing(page, 'the menu\'s Deliver button');
  await screenshot(page, `${NAME}-02-deliver-focused`);
  await page.keyboard.press('Enter');
  await expectStates(page, 'SYN_SENT', 'SYN_RCVD');
  await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:in-flight']);

  // s2: the global → key steps (delivers the oldest segment in flight). Escape first closes
  // the inspector, so that focus is not left in a form field.
  await page.keyboard.press('Escape');
  const inField = await page.evaluate(() => ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName));
  assert.equal(inField, false, 'focus is not in a text field, where → would move the caret');
  await page.keyboard.press('ArrowRight');
  await expectStates(page, 'ESTABLISHED', 'SYN_RCVD');
  await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:in-flight']);

  // s3: the Step button, with Space.
  await tabTo(page, '[data-action="step"]', { backwards: true });
  await assertVisibleRing(page, 'the Step button');
  await page.keyboard.press('Space');
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
  await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered']);

  // The focus ring on the Step button, in a screenshot of the page and a close-up.
  await screenshot(page, `${NAME}-03-established-focus-ring`, { fullPage: false });
  const box = await page.locator('[data-action="step"]').boundingBox();
  await screenshot(page, `${NAME}-04-focus-ring-closeup`, {
    fullPage: false,
    clip: { x: Math.max(0, box.x - 24), y: Math.max(0, box.y - 24), width: box.width + 48, height: box.height + 48 },
  });
  assert.equal(await page.locator('textarea.script').inputValue(), 'B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n');
  assertNoProblems(page);
  await page.close();
});
