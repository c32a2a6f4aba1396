// Ladder exercises (issue 14): "fill the ladder" (exercises/10-fill-the-close.tcps) and "order
// the segments" (exercises/11-order-the-handshake.tcps), opened by `?exercise=NN&seed=n`.
// Each is answered wrong, then right, at 1366x768 and on a 360x740 phone, in English and in
// Chinese, light and dark; the first check's score is stored; axe finds nothing; the phone's
// targets are 44 px.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import {
  ROOT, assertNoProblems, eventually, openPage, screenshot, screenshotOf, useApp,
} from './helpers.mjs';

const app = useApp();
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 360, height: 740 };

async function open(url, viewport, colorScheme = 'light') {
  const page = await openPage(app.browser, url, { viewport, colorScheme });
  await page.getByTestId('ladder-exercise').waitFor({ timeout: 20000 });
  return page;
}

/** A screenshot of the page and one of the exercise alone (the full page's sticky bars
 * would cover part of it). */
function shooter(page, name) {
  return async (step) => {
    await screenshot(page, `${name}-${step}`);
    await screenshotOf(page.getByTestId('ladder-exercise'), `${name}-${step}-exercise`);
  };
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  await page.waitForTimeout(300);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run({ include: [['[data-testid="ladder-exercise"]']] }, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], 'axe violations in the ladder exercise');
}

/** The value of a field shown on a segment's row (not hidden), e.g. s4's len. */
async function shown(page, label, key) {
  const text = await page.locator(`.ladder-row[data-seg="${label}"] .ladder-label`).textContent();
  const m = text.match(new RegExp(`${key}=(\\d+)`));
  assert.ok(m, `${label} shows ${key}= (${text})`);
  return Number(m[1]);
}

const blank = (page, label, field) => page.getByTestId(`ladder-blank-${label}-${field}`);

async function fillWrongThenRight(page, shot, lang) {
  // A's data (s4) is n bytes: A's FIN at seq=n+1, acknowledged with ack=n+2.
  const n = await shown(page, 's4', 'len');
  const right = {
    's6-seq': n + 1, 's7-ack': n + 2, 's8-flags': 'ACK,FIN', 's8-seq': 1, 's8-ack': n + 2,
    's9-seq': n + 2, 's9-ack': 2,
  };
  assert.equal(await page.locator('.ladder-input').count(), 7, 'seven blanks');
  assert.equal(await page.getByTestId('coach').count(), 0, 'the first steps stay away from an exercise');
  // The hidden values are nowhere on the page before the check.
  assert.doesNotMatch(await page.getByTestId('ladder-fill').textContent(), new RegExp(`seq=${n + 1}\\b`));
  await shot('01-open');
  // Wrong: the classic mistakes (FIN not counted, no ACK flag on the FIN) and one unreadable.
  await blank(page, 's6', 'seq').fill(String(n));
  await blank(page, 's7', 'ack').fill(String(n + 1));
  await blank(page, 's8', 'flags').fill('FIN');
  await blank(page, 's8', 'seq').fill('one');
  await page.getByTestId('ladder-check').click();
  await page.getByTestId('ladder-feedback').waitFor();
  assert.equal(await page.getByTestId('ladder-verdict-s6-seq').getAttribute('data-correct'), 'false');
  const why = await page.getByTestId('ladder-verdict-s7-ack').textContent();
  assert.match(why, new RegExp(String(n + 2)), 'the value sent is shown');
  assert.match(why, /RCV\.NXT/, 'and the reason');
  assert.match(why, /§3\.3\.1/);
  const blankLeft = await page.getByTestId('ladder-verdict-s9-ack').textContent();
  assert.match(blankLeft, lang === 'zh' ? /没有填写：正确答案是 2/ : /left blank: it is 2/);
  assert.match(await page.getByTestId('ladder-fill-tally').textContent(), lang === 'zh' ? /答对 0 个，共 7 个/ : /0 of 7 right/);
  assert.equal(await blank(page, 's8', 'seq').inputValue(), 'one', 'what was typed is kept');
  assert.equal(await page.getByTestId('ladder-closing').count(), 0);
  await shot('02-wrong');
  // Right, on the retry.
  for (const [key, value] of Object.entries(right)) {
    const [label, field] = key.split('-');
    await blank(page, label, field).fill(String(value));
  }
  await page.getByTestId('ladder-check').click();
  await eventually(() => page.getByTestId('ladder-exercise').getAttribute('data-solved'), 'true', 'solved');
  assert.match(await page.getByTestId('ladder-fill-tally').textContent(), lang === 'zh' ? /答对 7 个/ : /7 of 7 right/);
  await page.getByTestId('ladder-closing').waitFor();
  // Only the first check scores.
  const stored = await page.evaluate(() => localStorage.getItem('synack.score.10-fill-the-close'));
  assert.equal(stored, 'last=0/7 best=0/7');
  await shot('03-right');
}

async function cards(page) {
  return page.locator('.ladder-card').evaluateAll((els) => els.map((e) => e.dataset.seg));
}

async function orderWrongThenRight(page, shot, lang) {
  const start = await cards(page);
  assert.equal(start.length, 5);
  assert.notDeepEqual(start, ['s1', 's2', 's3', 's4', 's5'], 'opens shuffled');
  // No label is shown before the first check: it would give the order away.
  assert.equal(await page.locator('.ladder-card .seg-id').count(), 0);
  await shot('01-open');
  await page.getByTestId('ladder-check-order').click();
  await page.getByTestId('ladder-order-tally').waitFor();
  const verdicts = await page.locator('.ladder-card').evaluateAll((els) => els.map((e) => e.dataset.correct));
  assert.ok(verdicts.includes('false'), `${verdicts}`);
  // Each card says only whether it is in place: the ties between segments, the segment that
  // belongs there and the labels would give the order away.
  const places = await page.locator('.ladder-card .why').allTextContents();
  assert.equal(places.length, 5, 'every place has its verdict');
  for (const text of places) {
    assert.match(text.trim(), lang === 'zh' ? /^[✓✗] (位置正确|位置不对)。?$/ : /^[✓✗] (In place|Not in place)\.$/, `only the verdict: "${text}"`);
  }
  assert.doesNotMatch(await page.getByTestId('ladder-order').textContent(), /s[1-5]/, 'no label before the order is right');
  assert.equal(await page.locator('.ladder-card .seg-id').count(), 0);
  assert.ok(await page.getByTestId('ladder-reveal-order').isVisible(), 'Reveal is offered after a check');
  await shot('02-wrong');
  // Put it right with the Up buttons only (keyboard-reachable buttons, not drag).
  const want = ['s1', 's2', 's3', 's4', 's5'];
  for (let i = 0; i < want.length; i += 1) {
    let at = (await cards(page)).indexOf(want[i]);
    while (at > i) {
      await page.getByTestId(`ladder-up-${at}`).focus();
      await page.keyboard.press('Enter');
      at -= 1;
      await eventually(async () => (await cards(page)).indexOf(want[i]), at, 'the card moved up');
    }
  }
  await page.getByTestId('ladder-check-order').click();
  await eventually(() => page.getByTestId('ladder-exercise').getAttribute('data-solved'), 'true', 'solved');
  assert.match(await page.getByTestId('ladder-order-tally').textContent(), lang === 'zh' ? /5 个位置正确/ : /5 of 5 in place/);
  // Right: now each place says why, with the labels.
  assert.match(await page.getByTestId('ladder-order').textContent(), lang === 'zh' ? /回应了/ : /answers s\d/);
  assert.equal(await page.locator('.ladder-card .seg-id').count(), 5);
  assert.equal(await page.getByTestId('ladder-reveal-order').count(), 0);
  const stored = await page.evaluate(() => localStorage.getItem('synack.score.11-order-the-handshake'));
  assert.match(stored, /^last=[0-4]\/5 best=[0-4]\/5$/, 'the first check scored, not the retry');
  await shot('03-right');
}

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`fill the ladder wrong then right (${name}, English, light)`, async () => {
    const page = await open(`${app.server.url}?exercise=10&seed=7`, viewport);
    try {
      await fillWrongThenRight(page, shooter(page, `ladder-fill-${name}`), 'en');
      await axe(page);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });

  test(`order the segments wrong then right (${name}, Chinese, dark)`, async () => {
    const page = await open(`${app.server.url}?exercise=11&seed=3&lang=zh`, viewport, 'dark');
    try {
      // The Chinese catalog arrives after the first render.
      await eventually(async () => /排序/.test(await page.getByTestId('ladder-exercise').locator('h2').textContent()), true, 'the Chinese title');
      await orderWrongThenRight(page, shooter(page, `ladder-order-${name}-zh-dark`), 'zh');
      await axe(page);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}

test('fill the ladder in Chinese, dark, and order in English, light: both languages, both themes', async () => {
  let page = await open(`${app.server.url}?exercise=10&seed=11&lang=zh`, DESKTOP, 'dark');
  try {
    // The Chinese catalog and the exercise are fetched: on a loaded machine that can take
    // longer than `eventually`'s few seconds, so wait for the page to speak Chinese first.
    await page.locator('html[lang^="zh"]').waitFor({ timeout: 20000 });
    await page.getByTestId('ladder-exercise').locator('h2').waitFor({ timeout: 20000 });
    await eventually(async () => /关闭过程/.test(await page.getByTestId('ladder-exercise').locator('h2').textContent()), true, 'the Chinese title');
    await fillWrongThenRight(page, shooter(page, `ladder-fill-desktop-zh-dark`), 'zh');
    await axe(page);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
  page = await open(`${app.server.url}?exercise=11&seed=5`, DESKTOP);
  try {
    await orderWrongThenRight(page, shooter(page, `ladder-order-desktop-en`), 'en');
    await axe(page);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('order the segments: Reveal after a wrong check puts them in order and explains (phone, English, light)', async () => {
  const page = await open(`${app.server.url}?exercise=11&seed=3&lang=en`, PHONE);
  try {
    assert.equal(await page.getByTestId('ladder-reveal-order').count(), 0, 'no Reveal before a try');
    await page.getByTestId('ladder-check-order').click();
    await page.getByTestId('ladder-order-tally').waitFor();
    await page.getByTestId('ladder-reveal-order').click();
    await eventually(() => cards(page), ['s1', 's2', 's3', 's4', 's5'], 'Reveal puts the segments in order');
    await eventually(() => page.getByTestId('ladder-exercise').getAttribute('data-revealed'), 'true', 'revealed');
    assert.match(await page.getByTestId('ladder-order').textContent(), /answers s\d/, 'the ties are explained');
    // The page put them in place, not the learner: no "In place" marks.
    assert.doesNotMatch(await page.getByTestId('ladder-order').textContent(), /In place/);
    assert.equal(await page.locator('.ladder-card.right, .ladder-card.wrong').count(), 0);
    assert.match(await page.getByTestId('ladder-closing').textContent(), /The order they were sent in/);
    assert.doesNotMatch(await page.getByTestId('ladder-closing').textContent(), /All right/, 'a revealed order is not "all right"');
    assert.equal(await page.getByTestId('ladder-order-tally').count(), 0, 'no tally for an order the page put right');
    const stored = await page.evaluate(() => localStorage.getItem('synack.score.11-order-the-handshake'));
    assert.match(stored, /^last=[0-4]\/5 best=[0-4]\/5$/, 'the first check scored, not the reveal');
    await screenshot(page, 'ladder-order-phone-en-revealed');
    await axe(page);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('on a phone every control of the exercise is at least 44 px tall', async () => {
  for (const n of ['10', '11']) {
    const page = await open(`${app.server.url}?exercise=${n}&seed=1`, PHONE);
    try {
      const small = await page.locator('[data-testid="ladder-exercise"] :is(button, input)').evaluateAll((els) =>
        els.map((e) => [e.dataset.testid ?? e.className, e.getBoundingClientRect().height])
          .filter(([, h]) => h < 44));
      assert.deepEqual(small, [], `exercise ${n}: targets under 44 px`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `no sideways scroll (${width} px)`);
    } finally {
      await page.close();
    }
  }
});

test('an exercise link without hide or order lines opens no ladder view', async () => {
  const page = await openPage(app.browser, `${app.server.url}?exercise=02&seed=1`, { viewport: DESKTOP });
  try {
    await page.locator('[data-state-node="CLOSED"]').waitFor({ timeout: 20000 });
    await page.waitForTimeout(1000);
    assert.equal(await page.getByTestId('ladder-exercise').count(), 0);
  } finally {
    await page.close();
  }
});
