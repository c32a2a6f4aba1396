// Guided lessons: pick a lesson from the Lessons menu, step through it with the buttons and
// the arrow keys, answer its predict-the-state questions by clicking a state on the diagram
// (once wrong, which leaves the step unrun, then right), and reach the closing message; in English and in Chinese
// (`?lang=zh`), and on a 360 px phone. The rules' reasons name states as the diagram does
// (the Linux view as ss does); the time bar's step buttons are the lesson's Back and Next.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appReady, assertNoProblems, eventually, expectStates, openPage, screenshot, SETTLE_MS, useApp,
} from './helpers.mjs';

const app = useApp();

const panel = (page) => page.getByTestId('lesson-panel');
const stepInfo = (page) => page.getByTestId('lesson-step').evaluate((el) => ({
  step: Number(el.dataset.step),
  steps: Number(el.dataset.steps),
  page: el.dataset.page,
  text: el.textContent.trim(),
}));

async function openLesson(page, id) {
  await page.getByTestId('lesson-picker').locator('summary').click();
  await page.getByTestId(`lesson-item-${id}`).click();
  await panel(page).waitFor({ timeout: SETTLE_MS });
  await eventually(() => panel(page).getAttribute('data-lesson'), id, 'the lesson panel shows the lesson');
}

/** Waits for the lesson to be on step k (1-based) of the given page kind. */
function expectStep(page, step, kind) {
  return eventually(
    async () => {
      const s = await stepInfo(page);
      return `${s.step}:${s.page}`;
    },
    `${step}:${kind}`,
    `lesson at step ${step} (${kind})`,
  );
}

async function answer(page, state) {
  await page.locator(`[data-state-node="${state}"]`).click();
  await page.getByTestId('lesson-feedback').waitFor({ timeout: SETTLE_MS });
}

const highlightedEdges = (page) => page.locator('[data-edge] path.lesson-step').count();
const highlightedSegs = (page) =>
  page.locator('[data-seg].lesson-step').evaluateAll((els) => els.map((e) => e.dataset.seg).sort());

test('lesson 1 in English: narration, highlights, a wrong and a right answer, keys, the end', async () => {
  const page = await openPage(app.browser, app.server.url);
  try {
    await appReady(page);
    await openLesson(page, '01-handshake');
    const first = await stepInfo(page);
    const n = first.steps;
    assert.ok(n >= 6, `${n} steps`);
    await expectStep(page, 1, 'step');
    assert.equal(first.text, `1/${n}`);
    assert.match(await panel(page).locator('h2').textContent(), /three-way handshake/i);
    assert.match(await page.getByTestId('lesson-narration').textContent(), /B plays the server/);
    await expectStates(page, 'CLOSED', 'LISTEN');
    assert.equal(await highlightedEdges(page), 1, 'CLOSED -> LISTEN is highlighted');
    assert.ok(await page.getByTestId('lesson-back').isDisabled());
    await screenshot(page, 'lessons-01-first-step');

    await page.getByTestId('lesson-next').click();
    await expectStep(page, 2, 'step');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    assert.deepEqual(await highlightedSegs(page), ['s1']);

    // Step 3 asks first: nothing runs until the learner answers.
    await page.getByTestId('lesson-next').click();
    await expectStep(page, 3, 'question');
    await page.getByTestId('lesson-question').waitFor();
    assert.match(await page.getByTestId('lesson-question').textContent(), /Which state will B be in/);
    assert.ok(await page.getByTestId('lesson-next').isDisabled(), 'Next waits for the answer');
    assert.equal(await page.locator('.diagram-panel.asking').count(), 1, 'the diagram takes the answer');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    await screenshot(page, 'lessons-02-question');

    // Wrong: the feedback says so and the step does not run; the learner tries again.
    await answer(page, 'ESTABLISHED');
    const wrong = page.getByTestId('lesson-feedback');
    assert.equal(await wrong.getAttribute('data-correct'), 'false');
    assert.match(await wrong.textContent(), /Not ESTABLISHED: B will not be there after this step/);
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    await expectStep(page, 3, 'question');
    assert.equal(await page.locator('.explain').count(), 0, 'a click in a question is not an explanation');
    assert.equal(await page.locator('.diagram-panel.asking').count(), 1, 'the diagram still takes the answer');
    assert.equal(await page.getByTestId('lesson-reveal').count(), 1, 'the answer may be revealed');
    await screenshot(page, 'lessons-03-wrong');

    // Right at the second try: the step runs, with the rule and its RFC section.
    await answer(page, 'SYN_RCVD');
    await expectStep(page, 3, 'step');
    assert.equal(await page.getByTestId('lesson-feedback').getAttribute('data-correct'), 'true');
    assert.match(await page.getByTestId('lesson-feedback').textContent(), /Right: B is now in SYN_RCVD/);
    assert.match(await page.getByTestId('lesson-feedback').textContent(), /§3\.10\.7\.2/);
    await expectStates(page, 'SYN_SENT', 'SYN_RCVD');
    assert.equal(await page.locator('.diagram-panel.asking').count(), 0);

    // Back over the question asks it again; right at once this time.
    await page.getByTestId('lesson-back').click();
    await expectStep(page, 3, 'question');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    await answer(page, 'SYN_RCVD');
    assert.equal(await page.getByTestId('lesson-feedback').getAttribute('data-correct'), 'true');
    assert.match(await page.getByTestId('lesson-feedback').textContent(), /Right: B is now in SYN_RCVD/);
    assert.deepEqual(await highlightedSegs(page), ['s1', 's2']);
    await screenshot(page, 'lessons-04-right');

    // The arrow keys drive the lesson.
    await page.keyboard.press('ArrowRight');
    await expectStep(page, 4, 'question');
    await answer(page, 'ESTABLISHED');
    assert.equal(await page.getByTestId('lesson-feedback').getAttribute('data-correct'), 'true');
    await expectStates(page, 'ESTABLISHED', 'SYN_RCVD');
    await page.keyboard.press('ArrowRight');
    await expectStep(page, 5, 'question');
    await answer(page, 'ESTABLISHED');
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
    await page.keyboard.press('ArrowLeft');
    await expectStep(page, 5, 'question');
    await page.keyboard.press('ArrowLeft');
    await expectStep(page, 4, 'step');
    await expectStates(page, 'ESTABLISHED', 'SYN_RCVD');
    await page.keyboard.press('ArrowRight');
    await expectStep(page, 5, 'question');
    await answer(page, 'ESTABLISHED');

    for (let k = 6; k <= n; k += 1) {
      await page.getByTestId('lesson-next').click();
      await expectStep(page, k, 'step');
    }
    await page.getByTestId('lesson-next').click();
    await expectStep(page, n, 'end');
    await page.getByTestId('lesson-done').waitFor();
    assert.match(await page.getByTestId('lesson-narration').textContent(), /Three segments suffice/);
    assert.ok(await page.getByTestId('lesson-next').isDisabled());
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
    await screenshot(page, 'lessons-05-end');

    await page.getByTestId('lesson-exit').click();
    await eventually(() => panel(page).count(), 0, 'Exit closes the lesson');
    // Out of the lesson, a click on a state explains it again.
    await page.locator('[data-state-node="LISTEN"]').click();
    await page.locator('.explain').waitFor({ timeout: SETTLE_MS });
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

/** Plays whatever lesson is open to its end, answering every question with `guess`; a wrong
 * guess stays on the question, and the answer is then revealed. */
async function playToTheEnd(page, guess) {
  const answers = [];
  for (let i = 0; i < 200; i += 1) {
    const s = await stepInfo(page);
    if (s.page === 'end') return answers;
    if (s.page === 'question') {
      await answer(page, guess);
      const correct = await page.getByTestId('lesson-feedback').getAttribute('data-correct');
      answers.push(correct);
      if (correct === 'false') await page.getByTestId('lesson-reveal').click();
      await expectStep(page, s.step, 'step');
    } else {
      await page.getByTestId('lesson-next').click();
      await eventually(
        async () => {
          const t = await stepInfo(page);
          return t.step !== s.step || t.page !== s.page;
        },
        true,
        'Next moves the lesson',
      );
    }
  }
  throw new Error('the lesson did not end');
}

test('in Chinese (?lang=zh) the picker, narration, question and feedback are Chinese', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=zh`);
  try {
    await appReady(page);
    await eventually(
      () => page.getByTestId('lesson-picker').locator('summary').textContent(),
      '课程',
      'the Lessons menu in Chinese',
    );
    await page.getByTestId('lesson-picker').locator('summary').click();
    // The list arrives with the lessons' module on the first opening.
    await page.getByTestId('lesson-item-01-handshake').waitFor();
    assert.equal(await page.locator('[data-testid^="lesson-item-"]').count(), 21);
    assert.match(await page.getByTestId('lesson-item-01-handshake').textContent(), /三次握手/);
    await page.getByTestId('lesson-picker').locator('summary').click();
    await openLesson(page, '01-handshake');
    assert.match(await page.getByTestId('lesson-narration').textContent(), /B 扮演服务器/);
    await page.getByTestId('lesson-next').click();
    await page.getByTestId('lesson-next').click();
    await expectStep(page, 3, 'question');
    assert.match(await page.getByTestId('lesson-question').textContent(), /B 会处于哪个状态/);
    await answer(page, 'SYN_RCVD');
    assert.match(await page.getByTestId('lesson-feedback').textContent(), /答对了/);
    await screenshot(page, 'lessons-06-zh-right');
    const answers = await playToTheEnd(page, 'CLOSED');
    assert.ok(answers.length >= 1 && answers.every((a) => a === 'false'), `answers: ${answers}`);
    assert.match(await page.getByTestId('lesson-done').textContent(), /课程结束/);
    await screenshot(page, 'lessons-07-zh-end');

    // A second lesson, played from the menu to its end.
    await openLesson(page, '02-four-way-close');
    await expectStep(page, 1, 'step');
    await playToTheEnd(page, 'TIME_WAIT');
    await page.getByTestId('lesson-done').waitFor();
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('on a 360 px phone the lesson panel fits and its buttons are in reach', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 360, height: 740 } });
  try {
    await appReady(page);
    await openLesson(page, '01-handshake');
    const box = await panel(page).boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 360, `panel spans ${box.x}..${box.x + box.width}`);
    for (const id of ['lesson-back', 'lesson-next', 'lesson-exit']) {
      const b = await page.getByTestId(id).boundingBox();
      assert.ok(b.x >= 0 && b.x + b.width <= 360, `${id} at ${b.x}..${b.x + b.width}`);
    }
    await page.getByTestId('lesson-next').click();
    await page.getByTestId('lesson-next').click();
    await expectStep(page, 3, 'question');
    await page.locator('.lesson-question .to-diagram').click();
    // The diagram lands below the sticky time bar (three rows on a phone), not under it.
    const bar = await page.locator('.time').boundingBox();
    const diagram = await page.locator('.diagram-panel').boundingBox();
    assert.ok(diagram.y >= bar.y + bar.height - 1, `the diagram's top (${diagram.y}) is below the time bar (${bar.y + bar.height})`);
    await answer(page, 'SYN_RCVD');
    assert.equal(await page.getByTestId('lesson-feedback').getAttribute('data-correct'), 'true');
    await screenshot(page, 'lessons-08-phone');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('lesson 16 (slow start): it opens from the menu, steps to its first question, and the question is answered', async () => {
  const page = await openPage(app.browser, app.server.url);
  try {
    await appReady(page);
    await openLesson(page, '16-slow-start');
    assert.match(await panel(page).locator('h2').textContent(), /Slow start and congestion avoidance/);
    assert.match(await page.getByTestId('lesson-narration').textContent(), /round trip \(RTT\) takes 100 ms/);
    await expectStep(page, 1, 'step');
    // Steps before the question: the handshake, the initial window, B's four ACKs.
    let s = await stepInfo(page);
    for (let i = 0; i < 10 && s.page !== 'question'; i += 1) {
      await page.getByTestId('lesson-next').click();
      await eventually(
        async () => {
          const t = await stepInfo(page);
          return t.step !== s.step || t.page !== s.page;
        },
        true,
        'Next moves the lesson',
      );
      s = await stepInfo(page);
    }
    assert.equal(s.page, 'question', 'a question comes within the first steps');
    assert.equal(s.step, 6, 'the first question is on step 6, the lost flight');
    assert.match(await page.getByTestId('lesson-question').textContent(), /Which state will A be in/);
    // The question comes before its step: the second flight has not been sent yet.
    assert.equal(await page.locator('[data-seg="s12"]').count(), 0, 's12 is not on the chart before the answer');
    await answer(page, 'ESTABLISHED');
    const feedback = page.getByTestId('lesson-feedback');
    assert.equal(await feedback.getAttribute('data-correct'), 'true');
    assert.match(await feedback.textContent(), /Right: A is now in ESTABLISHED/);
    await expectStep(page, 6, 'step');
    assert.match(await page.getByTestId('lesson-narration').textContent(), /all eight are lost/);
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
    // The step's eight segments are on the chart, lost.
    await eventually(
      () => page.locator('[data-seg="s12"]').getAttribute('data-status'),
      'dropped',
      's12, the first of the lost flight, is drawn as dropped',
    );
    await screenshot(page, 'lessons-16-answered');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('lessons 16-21 are listed in Chinese with their Chinese titles', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=zh`);
  try {
    await appReady(page);
    await eventually(
      () => page.getByTestId('lesson-picker').locator('summary').textContent(),
      '课程',
      'the Lessons menu in Chinese',
    );
    await page.getByTestId('lesson-picker').locator('summary').click();
    await page.getByTestId('lesson-item-16-slow-start').waitFor();
    const titles = {
      '16-slow-start': /慢启动与拥塞避免/,
      '17-fast-retransmit': /快速重传/,
      '18-zero-window': /零窗口/,
      '19-nagle-delayed-ack': /Nagle 算法遇上延迟确认/,
      '20-window-scaling': /窗口扩大选项/,
      '21-sack': /SACK：一个往返内恢复/,
    };
    for (const [id, title] of Object.entries(titles)) {
      assert.match(await page.getByTestId(`lesson-item-${id}`).textContent(), title, id);
    }
    await page.getByTestId('lesson-item-18-zero-window').click();
    await panel(page).waitFor({ timeout: SETTLE_MS });
    await eventually(() => panel(page).getAttribute('data-lesson'), '18-zero-window', 'lesson 18 opens');
    assert.match(await page.getByTestId('lesson-narration').textContent(), /接收缓冲区/);
    await screenshot(page, 'lessons-18-zh-first-step');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('at 1366×768 the diagram is beside the question, so no "Go to the diagram" link is offered', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  try {
    await appReady(page);
    await openLesson(page, '01-handshake');
    await page.getByTestId('lesson-next').click();
    await page.getByTestId('lesson-next').click();
    await expectStep(page, 3, 'question');
    assert.equal(await page.locator('.lesson-question .to-diagram').isVisible(), false);
    assert.ok(await page.locator('[data-state-node="SYN_RCVD"]').isVisible());
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

/** The time bar's step buttons and counter: [back label, next label, counter, next disabled]. */
const timeBar = (page) => page.evaluate(() => {
  const back = document.querySelector('[data-action="back"]');
  const step = document.querySelector('[data-action="step"]');
  return {
    back: back.textContent.trim(),
    next: step.textContent.trim(),
    nextTitle: step.title,
    counter: document.querySelector('.clock-event')?.textContent.trim() ?? null,
    nextOff: step.disabled,
  };
});

test('a lesson names states as its diagram does: the Why line says FIN_WAIT_2, the Linux view FIN-WAIT-2', async () => {
  for (const [lang, right] of [['en', /Right: A is now in TIME_WAIT/], ['zh', /TIME_WAIT/]]) {
    const page = await openPage(app.browser, `${app.server.url}?lang=${lang}&lesson=08-time-wait-lost-ack&step=10`,
      { viewport: { width: 1366, height: 768 } });
    try {
      await appReady(page);
      await expectStep(page, 10, 'question');
      await answer(page, 'TIME_WAIT');
      const why = page.locator('[data-testid="lesson-feedback"] .why');
      assert.match(await page.getByTestId('lesson-feedback').textContent(), right);
      // The rule's reason (RFC spelling in the CLI) in the diagram's spelling on the page.
      await eventually(async () => /FIN_WAIT_2/.test(await why.textContent()), true, `${lang}: ${await why.textContent()}`);
      assert.doesNotMatch(await why.textContent(), /FIN-WAIT-2/);
      // The Linux view spells them as ss does, the verdict's state too.
      await page.getByTestId('linux-toggle').check();
      await eventually(async () => /FIN-WAIT-2/.test(await why.textContent()), true, `${lang} Linux view: ${await why.textContent()}`);
      assert.match(await page.getByTestId('lesson-feedback').locator('strong').first().textContent(), /TIME-WAIT/);
      await screenshot(page, `lessons-why-linux-${lang}`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  }
});

test('in a lesson the time bar\'s step buttons are the lesson\'s Back and Next, and no event count stands beside its k/n', async () => {
  for (const [lang, next] of [['en', 'Next ▶'], ['zh', '下一步 ▶']]) {
    const page = await openPage(app.browser, `${app.server.url}?lang=${lang}&lesson=08-time-wait-lost-ack&step=10`,
      { viewport: { width: 1366, height: 768 } });
    try {
      await appReady(page);
      await expectStep(page, 10, 'question');
      const n = (await stepInfo(page)).steps;
      assert.equal(n, 34);
      await eventually(async () => (await timeBar(page)).next, next, `${lang}: the time bar's Next`);
      const bar = await timeBar(page);
      assert.equal(bar.counter, null, 'no "event 37/37" beside the panel\'s 10/34');
      assert.equal(bar.next, next);
      assert.ok(bar.nextOff, 'the time bar\'s Next waits for the answer, as the panel\'s does');
      assert.ok(await page.getByTestId('lesson-next').isDisabled());
      assert.match(bar.nextTitle, /→/, 'its tooltip keeps the key');
      await screenshot(page, `lessons-time-bar-${lang}`, { fullPage: false });
      await answer(page, 'TIME_WAIT');
      await expectStep(page, 10, 'step');
      // The time bar's Next moves the lesson, as → does.
      await eventually(async () => (await timeBar(page)).nextOff, false, 'Next is on after the answer');
      await page.click('[data-action="step"]');
      await expectStep(page, 11, 'step');
      assert.equal((await timeBar(page)).counter, null, 'still no event count at the lesson\'s step');
      await page.keyboard.press('ArrowLeft');
      await expectStep(page, 10, 'step');
      await page.click('[data-action="back"]');
      await expectStep(page, 10, 'question');
      // Scrubbed off the lesson's page, the counter counts events again.
      await page.locator('input[type="range"]').focus();
      await page.keyboard.press('Home');
      await eventually(async () => (await timeBar(page)).counter?.startsWith(lang === 'en' ? 'event 0/' : '事件 0/'), true,
        `${lang}: events off the lesson's page`);
      // Exit: the plain time bar again.
      await page.getByTestId('lesson-exit').click();
      await eventually(() => panel(page).count(), 0, 'Exit closes the lesson');
      const plain = await timeBar(page);
      assert.equal(plain.next, lang === 'en' ? 'Step ▶' : '单步 ▶');
      assert.ok(plain.counter !== null, 'the event count is back');
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  }
});
