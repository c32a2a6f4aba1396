// Keyboard focus never falls to <body>: after Listen and Connect (buttons that disable
// themselves) it moves to that peer's next call; opening a segment's menu puts it on the
// menu's first item; Deliver, Escape and the inspector's × bring it back to the arrow. Tab
// reaches the diagram (left column) before the peers (right column), and a focused state has
// a ring of its own, unlike a peer's marker. Keyboard only; document.activeElement is checked
// after each action.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, eventually, expectSegs, expectStates, freshApp, screenshot, useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'keyboard-focus';

/** A short description of the focused element. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const peer = el.closest('[data-peer]')?.getAttribute('data-peer');
    const bits = [
      peer ? `peer ${peer}` : '',
      el.closest('.segment-menu') ? 'menu' : '',
      el.getAttribute('data-action') ? `action ${el.getAttribute('data-action')}` : '',
      el.getAttribute('data-seg') ? `seg ${el.getAttribute('data-seg')}` : '',
      el.getAttribute('data-state-node') ? `state ${el.getAttribute('data-state-node')}` : '',
      el.disabled ? 'disabled' : '',
    ].filter(Boolean);
    return bits.join(', ') || el.tagName.toLowerCase();
  });
}

/** Waits until the focused element reads `expected` (focus moves after the render). */
function expectFocus(page, expected, message) {
  return eventually(() => focused(page), expected, message);
}

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`. */
async function tabTo(page, selector, { backwards = false, max = 150 } = {}) {
  const visited = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel), selector)) return visited;
    visited.push(await focused(page));
  }
  assert.fail(`never reached ${selector}; went through: ${visited.join(' | ')}`);
}

test('focus follows each keyboard action and never falls to <body>', async () => {
  const page = await freshApp(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  try {
    // Tab order: from the top, the diagram's first state comes before any peer's call.
    await page.evaluate(() => document.activeElement?.blur());
    const before = await tabTo(page, '[data-state-node]');
    assert.ok(!before.some((f) => f.startsWith('peer ')), `Tab reached a peer before the diagram: ${before.join(' | ')}`);
    const columns = await page.evaluate(() => ({
      diagram: document.querySelector('.diagram-panel').getBoundingClientRect().left,
      peers: document.querySelector('[data-peer="A"]').getBoundingClientRect().left,
    }));
    assert.ok(columns.diagram < columns.peers, `the diagram is the left column at 1366 px: ${JSON.stringify(columns)}`);

    // Listen disables itself: focus goes on to B's next call, Connect.
    await tabTo(page, '[data-peer="B"] [data-action="listen"]');
    await page.keyboard.press('Enter');
    await expectStates(page, 'CLOSED', 'LISTEN');
    await expectFocus(page, 'peer B, action connect', 'after B Listen, focus is on B\'s Connect');

    // Connect disables itself too: focus goes on to A's next enabled call (Send).
    await tabTo(page, '[data-peer="A"] [data-action="connect"]', { backwards: true });
    await page.keyboard.press('Enter');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    await expectFocus(page, 'peer A, action send', 'after A Connect, focus is on A\'s Send');

    // Opening an arrow's menu puts focus on its first item.
    await tabTo(page, '[data-seg="s1"]');
    await page.keyboard.press('Enter');
    await expectFocus(page, 'menu, action deliver', 'the menu opened from the arrow has focus');
    await screenshot(page, `${NAME}-01-menu-focused`, { fullPage: false });

    // Deliver ends the menu: focus returns to the arrow.
    await page.keyboard.press('Enter');
    await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:in-flight']);
    await expectFocus(page, 'seg s1', 'after Deliver, focus is back on the arrow');

    // Escape closes s2's menu and inspector: focus returns to s2's arrow.
    await tabTo(page, '[data-seg="s2"]');
    await page.keyboard.press('Enter');
    await expectFocus(page, 'menu, action deliver');
    await page.keyboard.press('Escape');
    await page.locator('.segment-menu').waitFor({ state: 'detached' });
    await expectFocus(page, 'seg s2', 'after Escape, focus is back on the arrow');

    // The inspector's × also hands focus back to the arrow.
    await page.keyboard.press('Enter');
    await expectFocus(page, 'menu, action deliver');
    await tabTo(page, '.inspector header button');
    await page.keyboard.press('Enter');
    await page.locator('.inspector').waitFor({ state: 'detached' });
    await expectFocus(page, 'seg s2', 'after the inspector\'s ×, focus is back on the arrow');

    // A focused state looks different from "a peer is here": its ring shows, in neither peer's
    // colour, while an unfocused state the peer is in shows no ring.
    await tabTo(page, '[data-state-node="SYN_RCVD"]', { backwards: true });
    const look = await page.evaluate(() => {
      const ring = (s) => getComputedStyle(document.querySelector(`[data-state-node="${s}"] .focus-ring`));
      const root = getComputedStyle(document.documentElement);
      const probe = document.createElement('span');
      document.body.append(probe);
      const colour = (v) => { probe.style.color = `var(${v})`; return getComputedStyle(probe).color; };
      const out = {
        focused: { visibility: ring('SYN_RCVD').visibility, stroke: ring('SYN_RCVD').stroke },
        other: ring('SYN_SENT').visibility,
        peerA: colour('--peer-a'),
        peerB: colour('--peer-b'),
        nodeIsAtB: document.querySelector('[data-state-node="SYN_RCVD"]').classList.contains('at-b'),
      };
      probe.remove();
      return out;
    });
    assert.equal(look.nodeIsAtB, true, 'B is in SYN_RCVD');
    assert.equal(look.focused.visibility, 'visible', 'the focused state shows its ring');
    assert.equal(look.other, 'hidden', 'A\'s state, not focused, shows no ring');
    assert.notEqual(look.focused.stroke, look.peerA, 'the ring is not peer A\'s colour');
    assert.notEqual(look.focused.stroke, look.peerB, 'the ring is not peer B\'s colour');
    await screenshot(page, `${NAME}-02-state-focused`, { fullPage: false });
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});
