// Time travel returns to identical states: a scenario built by clicks is recorded (both
// states, the cursor and how many arrows are in flight, delivered or dropped) after every
// Back press down to the start, then Step forward must replay the same records in reverse.
// The scrubber (input[type=range]) must show the same thing as Back/Step at each point, and
// take a drag to the middle and back to the live end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actOnSeg, assertNoProblems, expectSegs, expectStates, peerCall, scriptText, shooter, states,
  statusCounts, timeControl, useApp, withApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'step-back-and-forward';

/** What the page shows at the cursor. */
async function record(page) {
  const [st, counts, cursor] = await Promise.all([
    states(page),
    statusCounts(page),
    page.locator('input[type="range"]').inputValue(),
  ]);
  return { A: st.A, B: st.B, cursor: Number(cursor), ...counts };
}

/** Waits until the record satisfies `done`, or 5 s, and returns it. */
async function recordWhen(page, done) {
  const deadline = Date.now() + 5000;
  let r = await record(page);
  while (!done(r) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    r = await record(page);
  }
  return r;
}

/** Waits until the cursor has moved from `before`'s (each press moves it). */
const recordAfter = (page, before) => recordWhen(page, (r) => r.cursor !== before.cursor);

/** A scenario with a loss, a retransmission, data, a delayed ACK and a close, by clicks. */
async function buildScenario(page) {
  await peerCall(page, 'B', 'listen');
  await peerCall(page, 'A', 'connect');
  await actOnSeg(page, 's1', 'drop');
  await timeControl(page, 'next-timer');
  await expectSegs(page, ['s1:SYN:dropped', 's2:SYN:in-flight']);
  await actOnSeg(page, 's2', 'deliver');
  await actOnSeg(page, 's3', 'deliver');
  await actOnSeg(page, 's4', 'deliver');
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
  await peerCall(page, 'A', 'send');
  await actOnSeg(page, 's5', 'deliver');
  // B delays its ACK of the data (RFC 9293 §3.8.6.3): its delayed-ACK timer sends s6.
  await timeControl(page, 'next-timer');
  await actOnSeg(page, 's6', 'deliver');
  await peerCall(page, 'A', 'close');
  await actOnSeg(page, 's7', 'deliver');
  await expectStates(page, 'FIN_WAIT_1', 'CLOSE_WAIT');
  return record(page);
}

/** The record at every event: the slider set by keyboard (Home, then → one event at a time). */
async function recordEveryEvent(page) {
  const slider = page.locator('input[type="range"]');
  const len = Number(await slider.getAttribute('max'));
  await slider.focus();
  await page.keyboard.press('Home');
  const byEvent = [await recordWhen(page, (r) => r.cursor === 0)];
  for (let k = 1; k <= len; k++) {
    await page.keyboard.press('ArrowRight');
    byEvent.push(await recordWhen(page, (r) => r.cursor === k));
    assert.equal(byEvent[k].cursor, k, 'ArrowRight on the slider moves one event');
  }
  return byEvent;
}

/**
 * A tall window, so the chart shows much of the run. The chart draws only the arrows near its
 * view, and on a wide screen it scrolls inside its own box however tall the window: the counts
 * come from `statusCounts`, which scrolls the chart through (helpers.mjs), so a record does
 * not depend on where the chart happens to be scrolled.
 */
const TALL = { viewport: { width: 1100, height: 1600 } };

test('Back to the start, then Step forward, gives identical records', async () => {
  await withApp(app.browser, app.server.url, `${NAME}-buttons`, async (page) => {
    const shot = shooter(page, NAME);
    const live = await buildScenario(page);
    const script = await scriptText(page);
    await shot('01-live-end');

    // Back, recording each stop, until Back is disabled at the start.
    const back = page.locator('[data-action="back"]');
    const backward = [live];
    while (await back.isEnabled()) {
      await back.click();
      backward.push(await recordAfter(page, backward.at(-1)));
      assert.ok(backward.length < 50, 'Back never reached the start');
    }
    const start = backward.at(-1);
    assert.deepEqual(start, { A: 'CLOSED', B: 'CLOSED', cursor: 0 }, 'the start: both CLOSED, no arrow');
    assert.ok(backward.length >= 10, `one stop per command: ${backward.length}`);
    await shot('02-back-at-start');

    // Step forward as many times: the same records, in reverse.
    const forward = [start];
    for (let i = 1; i < backward.length; i++) {
      await timeControl(page, 'step');
      forward.push(await recordAfter(page, forward.at(-1)));
      if (i === Math.floor(backward.length / 2)) await shot('03-step-forward-midway');
    }
    assert.deepEqual(forward, [...backward].reverse(), 'Step forward retraces Back exactly');
    assert.equal(await scriptText(page), script, 'time travel does not change the script');
    await shot('04-forward-at-live-end');

    // The global keys do the same: ← back, → step.
    await page.locator('h1').click();
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await recordAfter(page, live), backward[1], '← is Back');
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await recordAfter(page, backward[1]), live, '→ is Step');

    // Every stop of Back is what the slider shows at that event.
    const byEvent = await recordEveryEvent(page);
    assert.deepEqual(byEvent.at(-1), live, 'the slider\'s end is the live end');
    for (const r of backward) assert.deepEqual(byEvent[r.cursor], r, `the slider at ${r.cursor} shows what Back showed`);
    assertNoProblems(page);
  }, TALL);
});

test('the scrubber dragged to the middle shows that point, and End returns to the live end', async () => {
  await withApp(app.browser, app.server.url, `${NAME}-scrubber`, async (page) => {
    const shot = shooter(page, NAME);
    const live = await buildScenario(page);
    const byEvent = await recordEveryEvent(page);
    const len = live.cursor;

    // Drag the thumb from the live end to the middle of the track. Leaving the live end shows
    // "back to live" beside the clock, which narrows the track under the pointer; like a
    // person, the drag aims again at the track's middle once it has settled.
    const slider = page.locator('input[type="range"]');
    let box = await slider.boundingBox();
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, y, { steps: 8 });
    box = await slider.boundingBox();
    await page.mouse.move(box.x + box.width / 2, y, { steps: 4 });
    await page.mouse.up();
    const mid = await recordWhen(page, (r) => r.cursor < len);
    assert.ok(Math.abs(mid.cursor - len / 2) <= Math.max(2, len * 0.1), `dragged to the middle: ${mid.cursor} of ${len}`);
    assert.deepEqual(mid, byEvent[mid.cursor], 'the middle shows the same as the slider stepped there');
    await page.locator('button.linkish', { hasText: 'back to live' }).waitFor();
    await shot('05-scrubber-middle');

    // The keyboard's End key on the slider returns to the live end.
    await slider.focus();
    await page.keyboard.press('End');
    assert.deepEqual(await recordWhen(page, (r) => r.cursor === len), live, 'End on the slider returns to the live end');
    await shot('06-scrubber-end-key');
    assertNoProblems(page);
  });
});

test('the scrubber dragged back to the right end of its track returns to the live end', async () => {
  await withApp(app.browser, app.server.url, `${NAME}-drag-to-end`, async (page) => {
    const shot = shooter(page, NAME);
    const live = await buildScenario(page);
    const len = live.cursor;
    const slider = page.locator('input[type="range"]');

    const liveBox = await slider.boundingBox();
    // Back a few commands, then drag the thumb right, past the end of the track as shown.
    for (let i = 0; i < 4; i++) await timeControl(page, 'back');
    await recordWhen(page, (r) => r.cursor < len);
    const box = await slider.boundingBox();
    const y = box.y + box.height / 2;
    const value = Number(await slider.inputValue());
    await page.mouse.move(box.x + (box.width * value) / len, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width + 20, y, { steps: 10 });
    await page.mouse.up();
    const end = await recordWhen(page, (r) => r.cursor === len);
    await shot('07-scrubber-dragged-to-end');
    assert.deepEqual(end, live,
      `a drag past the track's right end should reach the live end (event ${len}); it stopped at event ${end.cursor}. ` +
      `The track is ${Math.round(box.width)} px wide away from the live end and ${Math.round(liveBox.width)} px at it ` +
      '(the "back to live" link beside the clock takes room), so at the live end the pointer is over 3/4 of the track');
    assertNoProblems(page);
  });
});
