// Exercises: the Exercises menu opens one with fresh numbers; a predict-the-segment question
// answered wrong (per-field feedback in view, the step not run) then right (the step runs);
// an exercise link with a seed reproduces its numbers, another seed gives others, a bad seed
// says so; a set link lists its exercises and opens one with the teacher's numbers; the
// menu copies a set link; an exercise's end says it is done, with its score and best, and
// offers new numbers and the way back to the set; "New numbers" and every exercise opened
// keep the address bar (and Share) on the numbers shown, and Exit takes them out of it; a
// link that opens past the questions says they were skipped; a missing ack reads 无 in
// Chinese. At 1366x768 and 360x740, in English and Chinese.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appReady, assertNoProblems, eventually, expectStates, openPage, screenshot, SETTLE_MS, useApp,
} from './helpers.mjs';

const app = useApp();
const panel = (page) => page.getByTestId('lesson-panel');
const stepInfo = (page) => page.getByTestId('lesson-step').evaluate((el) => `${el.dataset.step}:${el.dataset.page}`);

/** The ISNs the form shows, as numbers: [A, B]. */
async function isns(page) {
  const text = await page.getByTestId('predict-isn').textContent();
  const numbers = [...text.matchAll(/\d{3,}/g)].map((m) => Number(m[0]));
  assert.equal(numbers.length, 2, `two ISNs in "${text}"`);
  return numbers;
}

/** Whether the element's box is inside the viewport (wholly, or its top part for a tall one). */
async function inView(page, locator) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  return box !== null && box.y >= 0 && box.y < vp.height - 40 && box.x >= 0 && box.x + box.width <= vp.width + 1;
}

/** Whether the element's first line is on screen and not under the sticky time controls:
 * what the page shows at its top-left corner is the element itself. */
function uncovered(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const [x, y] = [r.left + 4, r.top + 6];
    if (y < 0 || y > window.innerHeight) return `off screen (top ${Math.round(r.top)})`;
    const top = document.elementFromPoint(x, y);
    return el.contains(top) ? true : `covered by ${top?.className || top?.tagName}`;
  });
}

async function fillGuess(page, { flags, seq, ack = '', len = '' }) {
  for (const f of ['SYN', 'ACK', 'FIN', 'RST']) {
    const box = page.getByTestId(`predict-flag-${f}`);
    if (flags.includes(f)) await box.check(); else await box.uncheck();
  }
  await page.getByTestId('predict-seq').fill(String(seq));
  if (flags.includes('ACK')) await page.getByTestId('predict-ack').fill(String(ack));
  await page.getByTestId('predict-len').fill(String(len));
  await page.getByTestId('predict-check').click();
}

/** Plays the open exercise to its end: each question tried once (wrong) then revealed. */
async function playToEnd(page) {
  for (let i = 0; i < 30; i += 1) {
    const s = await stepInfo(page);
    if (s.endsWith(':end')) return;
    if (s.endsWith(':question')) {
      // Try once (wrong) so that Reveal is offered, then reveal.
      await fillGuess(page, { flags: ['RST'], seq: 0 });
      await page.getByTestId('lesson-reveal').click();
      await eventually(async () => (await stepInfo(page)).endsWith(':step'), true, 'reveal runs the step');
    } else {
      await page.getByTestId('lesson-next').click();
      await eventually(async () => (await stepInfo(page)) !== s, true, 'Next moves on');
    }
  }
  assert.fail(`no end after 30 pages (${await stepInfo(page)})`);
}

/** The page's query parameters as an object. */
const params = (page) => Object.fromEntries(new URL(page.url()).searchParams);

for (const viewport of [{ width: 1366, height: 768 }, { width: 360, height: 740 }]) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`${size}: a predicted segment, wrong then right, with per-field feedback in view`, async () => {
    const page = await openPage(app.browser, `${app.server.url}?exercise=01&seed=4217`, { viewport });
    try {
      await appReady(page);
      await panel(page).waitFor({ timeout: SETTLE_MS });
      await eventually(() => page.getByTestId('exercise-seed').getAttribute('data-seed'), '4217', 'the link\'s seed');
      await eventually(() => stepInfo(page), '1:step', 'step 1 (B listens) first');
      await page.getByTestId('lesson-next').click();
      await eventually(() => stepInfo(page), '2:question', 'step 2 asks first');
      await page.getByTestId('predict-form').waitFor();
      const [isnA] = await isns(page);
      await expectStates(page, 'CLOSED', 'LISTEN');

      // Wrong: seq one past the ISN. Only seq is marked wrong; the step does not run.
      await fillGuess(page, { flags: ['SYN'], seq: isnA + 1 });
      const fb = page.getByTestId('predict-feedback');
      await fb.waitFor();
      assert.equal(await fb.getAttribute('data-correct'), 'false');
      const fields = await fb.locator('[data-field]').evaluateAll((els) =>
        Object.fromEntries(els.map((e) => [e.dataset.field, e.dataset.correct])));
      assert.deepEqual(fields, { flags: 'true', seq: 'false', ack: 'true', len: 'true' });
      const seqRow = fb.locator('[data-field="seq"]');
      assert.match(await seqRow.textContent(), /§3\.4\.1/, 'the reason names its RFC section');
      assert.doesNotMatch(await seqRow.textContent(), new RegExp(`sent: ${isnA}`), 'the value is not given away');
      assert.ok(await inView(page, fb), `the feedback is in view at ${size}`);
      assert.equal(await uncovered(fb.locator('p').first()), true, `the verdict is not under the time controls at ${size}`);
      if (viewport.width > 700) {
        assert.equal(await uncovered(page.getByTestId('predict-seq')), true, 'on a wide screen the field to correct stays in view');
      }
      // Each field's name has its own column: "flags" does not run into its values.
      const overlap = await fb.locator('[data-field]').evaluateAll((rows) => rows.map((row) => {
        const name = row.querySelector('strong').getBoundingClientRect();
        const values = row.querySelector('.values').getBoundingClientRect();
        return name.right <= values.left + 0.5 ? null : row.dataset.field;
      }).filter(Boolean));
      assert.deepEqual(overlap, [], 'field names overlapping their values');
      await eventually(() => stepInfo(page), '2:question', 'a wrong answer does not run the step');
      await expectStates(page, 'CLOSED', 'LISTEN');
      assert.equal(await page.getByTestId('predict-seq').inputValue(), String(isnA + 1), 'what was typed stays');
      await screenshot(page, `exercises-${size}-wrong`, { fullPage: false });

      // Right at the second try: the step runs, every value shown.
      await page.getByTestId('predict-seq').fill(String(isnA));
      await page.getByTestId('predict-check').click();
      await eventually(() => stepInfo(page), '2:step', 'a right answer runs the step');
      await expectStates(page, 'SYN_SENT', 'LISTEN');
      const right = page.getByTestId('predict-feedback');
      assert.equal(await right.getAttribute('data-correct'), 'true');
      assert.match(await right.locator('[data-field="seq"]').textContent(), new RegExp(`sent: @?${isnA}`));
      assert.ok(await inView(page, right), `the right answer's feedback is in view at ${size}`);
      await screenshot(page, `exercises-${size}-right`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}

test('a seed reproduces its numbers, another seed gives others, a bad seed says so', async () => {
  const isnsOf = async (query) => {
    const page = await openPage(app.browser, `${app.server.url}?${query}`);
    try {
      await appReady(page);
      await page.getByTestId('predict-form').waitFor({ timeout: SETTLE_MS });
      const seed = await page.getByTestId('exercise-seed').getAttribute('data-seed');
      return { seed, isns: await isns(page), problems: page.problems, notice: await page.locator('.notice').allTextContents() };
    } finally {
      await page.close();
    }
  };
  const first = await isnsOf('exercise=01&seed=4217&step=2');
  const again = await isnsOf('exercise=01&seed=4217&step=2');
  const other = await isnsOf('exercise=01&seed=4218&step=2');
  assert.deepEqual(again.isns, first.isns, 'the same seed, the same ISNs');
  assert.notDeepEqual(other.isns, first.isns, 'another seed, other ISNs');
  assert.equal(first.seed, '4217');
  const bad = await isnsOf('exercise=01&seed=12x&step=2');
  assert.match(bad.notice.join(' '), /seed "12x"/, 'a bad seed is named in a notice');
  assert.match(bad.seed, /^\d+$/, 'fresh numbers were drawn instead');
  assert.deepEqual(bad.problems, []);
});

test('New numbers draws another seed; the menu opens an exercise and copies a set link', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=en`, { viewport: { width: 1366, height: 768 } });
  try {
    await appReady(page);
    await page.getByTestId('exercise-picker').locator('summary').click();
    await page.getByTestId('exercise-item-01-handshake-numbers').waitFor({ timeout: SETTLE_MS });
    assert.equal(await page.locator('[data-testid^="exercise-item-"]').count() >= 9, true);
    assert.ok((await page.getByTestId('copy-set').isDisabled()), 'nothing picked, nothing to copy');
    await page.getByTestId('exercise-pick-01-handshake-numbers').check();
    await page.getByTestId('exercise-pick-03-lost-final-ack').check();
    await page.getByTestId('copy-set').click();
    const field = page.getByTestId('set-field');
    await field.waitFor();
    assert.match(await field.inputValue(), /\?lang=en&set=01,03$/);
    await page.getByTestId('set-fixed').check();
    await page.getByTestId('copy-set').click();
    await eventually(async () => /set=01:\d+,03:\d+$/.test(await field.inputValue()), true, 'fixed numbers in the set link');
    await screenshot(page, 'exercises-menu', { fullPage: false });

    await page.getByTestId('exercise-item-02-fin-takes-a-number').click();
    await panel(page).waitFor({ timeout: SETTLE_MS });
    await eventually(() => panel(page).getAttribute('data-lesson'), '02-fin-takes-a-number', 'exercise 2 open');
    const seed = await page.getByTestId('exercise-seed').getAttribute('data-seed');
    // The exercise opened from the menu is in the address bar, the language kept.
    await eventually(() => params(page), { lang: 'en', exercise: '02', seed }, 'the menu\'s exercise in the address bar');
    await page.getByTestId('exercise-new-numbers').click();
    await eventually(
      async () => (await page.getByTestId('exercise-seed').getAttribute('data-seed')) !== seed,
      true,
      'New numbers draws another seed',
    );
    const fresh = await page.getByTestId('exercise-seed').getAttribute('data-seed');
    await eventually(() => params(page), { lang: 'en', exercise: '02', seed: fresh }, 'New numbers rewrites the address bar');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('after New numbers, the address bar, a reload and Share all give the numbers shown', async () => {
  const start = `${app.server.url}?lang=zh&exercise=01&seed=4217&step=2&set=01,03`;
  const page = await openPage(app.browser, start, { viewport: { width: 1366, height: 768 } });
  try {
    await appReady(page);
    await page.getByTestId('predict-form').waitFor({ timeout: SETTLE_MS });
    const before = await isns(page);
    await page.getByTestId('exercise-new-numbers').click();
    await eventually(
      async () => (await page.getByTestId('exercise-seed').getAttribute('data-seed')) !== '4217',
      true,
      'New numbers draws another seed',
    );
    const seed = await page.getByTestId('exercise-seed').getAttribute('data-seed');
    // The seed replaced in place; the language and the set kept; the old step gone (the
    // new numbers start at the beginning).
    await eventually(
      () => new URL(page.url()).search,
      `?lang=zh&exercise=01&seed=${seed}&set=01,03`,
      'the address bar names the new numbers',
    );
    await page.getByTestId('lesson-next').click();
    await page.getByTestId('predict-form').waitFor({ timeout: SETTLE_MS });
    const shown = await isns(page);
    assert.notDeepEqual(shown, before, 'new numbers, new ISNs');

    // Share's link carries the same seed.
    await page.getByTestId('share').click();
    const link = page.getByTestId('share-field');
    await link.waitFor({ timeout: SETTLE_MS });
    assert.match(await link.inputValue(), new RegExp(`[?&]exercise=01&seed=${seed}(&|$)`), 'Share keeps the seed shown');

    // A reload shows the very same numbers. (First let the page's prefetches finish: a
    // reload aborts a catalog still on its way, which would count as a failed request.)
    await page.waitForLoadState('networkidle');
    await page.reload();
    await appReady(page);
    await eventually(() => page.getByTestId('exercise-seed').getAttribute('data-seed'), seed, 'the reload\'s seed');
    await page.getByTestId('lesson-next').click();
    await page.getByTestId('predict-form').waitFor({ timeout: SETTLE_MS });
    assert.deepEqual(await isns(page), shown, 'the reload shows the same ISNs');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('an exercise link without a seed gains the seed drawn', async () => {
  const page = await openPage(app.browser, `${app.server.url}?exercise=01&lang=en`, { viewport: { width: 1366, height: 768 } });
  try {
    await appReady(page);
    await panel(page).waitFor({ timeout: SETTLE_MS });
    const seed = await page.getByTestId('exercise-seed').getAttribute('data-seed');
    await eventually(() => params(page), { exercise: '01', lang: 'en', seed }, 'the seed drawn is in the address bar');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('a set link lists its exercises and opens one with the teacher\'s numbers; the end shows the score', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=zh&set=09,01:4217`, { viewport: { width: 360, height: 740 } });
  try {
    await appReady(page);
    const set = page.getByTestId('exercise-set');
    await set.waitFor({ timeout: SETTLE_MS });
    await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
    assert.deepEqual(
      await set.locator('[data-testid^="set-item-"]').evaluateAll((els) => els.map((e) => e.dataset.testid)),
      ['set-item-09-connection-refused', 'set-item-01-handshake-numbers'],
      'the teacher\'s order',
    );
    assert.match(await set.textContent(), /练习集/);
    await screenshot(page, 'exercises-set-zh', { fullPage: false });
    await page.getByTestId('set-item-01-handshake-numbers').click();
    await eventually(() => page.getByTestId('exercise-seed').getAttribute('data-seed'), '4217', 'the set\'s seed');
    await eventually(() => params(page), { lang: 'zh', set: '09,01:4217', exercise: '01', seed: '4217' }, 'the set\'s exercise in the address bar, the set kept');
    await playToEnd(page);
    const score = page.getByTestId('exercise-score');
    await score.waitFor();
    // On the phone the end's card comes into view, clear of the time controls.
    await eventually(() => uncovered(page.getByTestId('exercise-done')), true, 'the end\'s card in view');
    // The end says the exercise is done, not "the end of the lesson".
    assert.match(await page.getByTestId('exercise-done').textContent(), /练习完成/);
    assert.equal(await page.getByTestId('lesson-done').count(), 0, 'no "end of the lesson" for an exercise');
    // "RST seq=0" each time: right only where the segment has no ack (A's SYN) and in len.
    assert.equal(await score.getAttribute('data-right'), '4');
    assert.equal(await score.getAttribute('data-total'), '12', 'three segments, four fields each');
    assert.match(await score.textContent(), /得分/);
    assert.match(await score.getByTestId('exercise-best-so-far').textContent(), /4\/12/, 'the best kept');
    assert.equal(await page.getByTestId('set-next').count(), 0, 'exercise 1 is the set\'s last');
    assert.equal(await score.getByTestId('exercise-new-numbers').count(), 1, 'new numbers offered at the end');
    const stored = await page.evaluate(() => localStorage.getItem('synack.score.01-handshake-numbers'));
    assert.equal(stored, 'last=4/12 best=4/12');
    await screenshot(page, 'exercises-score-zh', { fullPage: false });
    // Back to the set: its list again, the best shown.
    await score.getByTestId('set-back').click();
    await page.getByTestId('exercise-set').waitFor({ timeout: SETTLE_MS });
    assert.match(await page.getByTestId('exercise-best-01-handshake-numbers').textContent(), /4\/12/);
    assert.deepEqual(params(page), { lang: 'zh', set: '09,01:4217' }, 'the closed exercise leaves the address bar');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('the end of an exercise says it is done, with its score and best, and New numbers starts again', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=en&exercise=01&seed=77`, { viewport: { width: 1366, height: 768 } });
  try {
    await appReady(page);
    await panel(page).waitFor({ timeout: SETTLE_MS });
    await page.evaluate(() => localStorage.setItem('synack.score.01-handshake-numbers', 'last=9/12 best=9/12'));
    // The exercise's script holds the answers (its expect lines): no script panel until the end.
    await page.getByTestId('lesson-next').click();
    await page.getByTestId('predict-form').waitFor({ timeout: SETTLE_MS });
    assert.equal(await page.locator('textarea.script').count(), 0, 'no script panel during the exercise');
    assert.doesNotMatch(await page.locator('body').innerText(), /expect s1/);
    await playToEnd(page);
    await page.locator('textarea.script').waitFor({ timeout: SETTLE_MS });
    const score = page.getByTestId('exercise-score');
    await score.waitFor();
    assert.equal(await page.getByTestId('exercise-done').textContent(), 'Exercise done.');
    assert.equal(await page.getByTestId('lesson-done').count(), 0, 'no "End of the lesson." for an exercise');
    assert.match(await score.textContent(), /Score: 4 of 12 fields right at the first try, over 3 questions/);
    assert.match(await score.getByTestId('exercise-best-so-far').textContent(), /9\/12/, 'the best kept, not this score');
    assert.equal(await score.getByTestId('exercise-seed').getAttribute('data-seed'), '77');
    assert.equal(await page.getByTestId('set-back').count(), 0, 'no set open, no way back to one');
    await screenshot(page, 'exercises-end-en', { fullPage: false });
    await score.getByTestId('exercise-new-numbers').click();
    await eventually(() => stepInfo(page), '1:step', 'new numbers start at the beginning');
    const seed = await page.getByTestId('exercise-seed').getAttribute('data-seed');
    assert.notEqual(seed, '77');
    await eventually(() => params(page), { lang: 'en', exercise: '01', seed }, 'the address bar follows');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('in Chinese a missing ack, and no flags, read 无, not "none"', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=zh&exercise=01&seed=4217&step=2`, { viewport: { width: 360, height: 740 } });
  try {
    await appReady(page);
    await page.getByTestId('predict-form').waitFor({ timeout: SETTLE_MS });
    await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
    const [isnA] = await isns(page);
    // No flag ticked and a wrong seq: flags is wrong ("yours" shown), ack right (both none).
    await fillGuess(page, { flags: [], seq: isnA + 1 });
    const fb = page.getByTestId('predict-feedback');
    await fb.waitFor();
    assert.equal((await fb.locator('[data-field="ack"] .values').textContent()).replace(/（.*）/, '').trim(), '你的：无 · 实际：无');
    assert.match(await fb.locator('[data-field="flags"] .values').textContent(), /^你的：无/);
    assert.doesNotMatch(await fb.textContent(), /none/, 'no English word left in the feedback');
    await page.getByTestId('lesson-reveal').click();
    await eventually(() => stepInfo(page), '2:step', 'Reveal runs the step');
    assert.doesNotMatch(await page.getByTestId('predict-feedback').textContent(), /none/);
    await screenshot(page, 'exercises-none-zh', { fullPage: false });
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('Exit takes the exercise out of the address bar: a reload shows the plain page', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=en&exercise=01&seed=4217&step=2`, { viewport: { width: 1366, height: 768 } });
  try {
    await appReady(page);
    await page.getByTestId('predict-form').waitFor({ timeout: SETTLE_MS });
    await page.getByTestId('lesson-exit').click();
    await eventually(() => panel(page).count(), 0, 'Exit closes the exercise');
    await eventually(() => params(page), { lang: 'en' }, 'no exercise, seed or step left in the address bar');
    // Let the page's prefetches finish: a reload aborts a file still on its way.
    await page.waitForLoadState('networkidle');
    await page.reload();
    await appReady(page);
    await page.waitForTimeout(500);
    assert.equal(await panel(page).count(), 0, 'the reload does not reopen the exercise');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('a link that opens an exercise at its end says its questions were skipped, no "0 of 0"', async () => {
  for (const [lang, skipped] of [['en', /No score recorded: the link opened past the questions, so all 3 were skipped/], ['zh', /没有记录得分.*3 道题都被跳过/]]) {
    const page = await openPage(app.browser, `${app.server.url}?lang=${lang}&exercise=01&seed=4217&step=6`, { viewport: { width: 1366, height: 768 } });
    try {
      await appReady(page);
      const score = page.getByTestId('exercise-score');
      await score.waitFor({ timeout: SETTLE_MS });
      // The Chinese texts arrive with their catalog.
      await eventually(async () => skipped.test(await score.textContent()), true, `${lang}: ${await score.textContent()}`);
      const text = await score.textContent();
      assert.doesNotMatch(text, /0 of 0|共 0 个字段/);
      assert.equal(await score.getByTestId('exercise-skipped').getAttribute('data-skipped'), '3');
      assert.equal(await page.evaluate(() => localStorage.getItem('synack.score.01-handshake-numbers')), null, 'nothing recorded');
      await screenshot(page, `exercises-skipped-${lang}`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  }
  // Opened at the last question (step 4): the two before it skipped, the last one scored.
  const page = await openPage(app.browser, `${app.server.url}?lang=en&exercise=01&seed=4217&step=4`, { viewport: { width: 1366, height: 768 } });
  try {
    await appReady(page);
    await panel(page).waitFor({ timeout: SETTLE_MS });
    await playToEnd(page);
    const score = page.getByTestId('exercise-score');
    await score.waitFor();
    assert.match(await score.textContent(), /over 1 questions? .*2 of the 3 questions were skipped/);
    assert.equal(await score.getByTestId('exercise-skipped').getAttribute('data-skipped'), '2');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});
