// The first minute's flow (issue 10): acting in the past keeps the old future (Undo/Redo in
// the notice); a lesson owns the clock ("back to this step" stays in step, Next after an own
// action keeps it); a newcomer's first steps (tick off, remembered when put away, never in an
// embed or a link).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  actOnSeg, appReady, assertNoProblems, base64url, eventually, expectSegs, expectStates,
  freshApp, handshakeByClicks, openPage, peerCall, screenshot, scriptText, SETTLE_MS, timeControl,
  useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'flow';
const cursor = (page) => page.locator('input[type="range"]').inputValue().then(Number);
const rangeMax = (page) => page.locator('input[type="range"]').getAttribute('max').then(Number);
const stepOf = (page) => page.getByTestId('lesson-step').evaluate((el) => `${el.dataset.step}:${el.dataset.page}`);

/** The element's box lies inside the viewport (no scrolling needed to see it). */
async function assertInView(page, locator, what) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  assert.ok(box, `${what} is on the page`);
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height,
    `${what} is inside the ${vp.width}×${vp.height} viewport: ${JSON.stringify(box)}`);
}

test('acting in the past keeps the old future: Undo restores it exactly, Redo returns', async () => {
  const page = await freshApp(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  try {
    await handshakeByClicks(page);
    const before = await scriptText(page);
    const end = await cursor(page);
    await timeControl(page, 'back');
    await expectStates(page, 'ESTABLISHED', 'SYN_RCVD');
    const forkedAt = await cursor(page);
    // At 1366×768 the inspector opens below the fold: a user reading it has scrolled the
    // page, as far as A's Abort just under the sticky time bar. The notice that answers the
    // click must be in view all the same.
    await page.evaluate(() => {
      const abort = document.querySelector('[data-peer="A"] [data-action="abort"]').getBoundingClientRect();
      const bar = document.querySelector('section.time').getBoundingClientRect();
      window.scrollBy(0, abort.top - bar.bottom - 8);
    });
    assert.ok(await page.evaluate(() => window.scrollY) > 100, 'the page is scrolled');
    await peerCall(page, 'A', 'abort');
    await expectStates(page, 'CLOSED', 'SYN_RCVD');
    const branched = await scriptText(page);
    assert.equal(branched, 'B listen\nA connect\ndeliver s1\ndeliver s2\nA abort\n');
    const undo = page.locator('.notice [data-action="undo"]');
    await undo.waitFor({ timeout: SETTLE_MS });
    assert.match(await page.locator('.notice').innerText(), /new branch.*cut off: 1\b/s);
    await assertInView(page, undo, 'Undo');
    await screenshot(page, `${NAME}-01-branched`, { fullPage: false });

    await undo.click();
    await eventually(() => scriptText(page), before, 'Undo brings back the script as it was');
    assert.equal(await cursor(page), forkedAt, 'where the user acted');
    assert.equal(await rangeMax(page), end, 'the whole old run');
    await expectStates(page, 'ESTABLISHED', 'SYN_RCVD');
    await page.locator('[data-action="live"]').click();
    await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
    await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered']);

    await page.locator('.notice [data-action="redo"]').click();
    await eventually(() => scriptText(page), branched, 'Redo returns to the new branch');
    await expectStates(page, 'CLOSED', 'SYN_RCVD');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('a lesson owns the clock: back to this step stays in step, Next keeps an own action', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  try {
    await appReady(page);
    await page.getByTestId('lesson-picker').locator('summary').click();
    await page.getByTestId('lesson-item-01-handshake').click();
    await page.getByTestId('lesson-panel').waitFor({ timeout: SETTLE_MS });
    await page.getByTestId('lesson-next').click();
    await eventually(() => stepOf(page), '2:step', 'step 2');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    const stepEnd = await cursor(page);
    assert.equal(await rangeMax(page), stepEnd, 'the scrubber ends at the step');

    // Scrub back, then "back to this step": the step's own end, not the lesson's.
    await page.locator('input[type="range"]').focus();
    await page.keyboard.press('Home');
    await eventually(() => cursor(page), 0, 'scrubbed to the start');
    await expectStates(page, 'CLOSED', 'CLOSED');
    const live = page.locator('[data-action="live"]');
    assert.match(await live.innerText(), /back to this step/);
    await live.click();
    await eventually(() => cursor(page), stepEnd, 'back at the end of step 2');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    assert.equal(await stepOf(page), '2:step');
    await page.keyboard.press('End');
    await expectStates(page, 'SYN_SENT', 'LISTEN', 'End on the scrubber stops at the step too');

    // An own action leaves the lesson, and says so.
    await peerCall(page, 'A', 'abort');
    await expectStates(page, 'CLOSED', 'LISTEN');
    const resume = page.locator('.notice [data-action="resume-lesson"]');
    await resume.waitFor({ timeout: SETTLE_MS });
    assert.match(await page.locator('.notice').innerText(), /You left the lesson/);
    const own = await scriptText(page);
    assert.match(own, /A abort\n$/);
    await screenshot(page, `${NAME}-02-left-lesson`, { fullPage: false });

    // Next goes on with the lesson and keeps the own run: Undo returns to it.
    await page.getByTestId('lesson-next').click();
    await eventually(() => stepOf(page), '3:question', 'step 3 asks');
    await expectStates(page, 'SYN_SENT', 'LISTEN');
    const undo = page.locator('.notice [data-action="undo"]');
    await undo.waitFor({ timeout: SETTLE_MS });
    assert.match(await page.locator('.notice').innerText(), /run you made is kept/);
    await undo.click();
    await eventually(() => scriptText(page), own, 'the own run is back');
    await expectStates(page, 'CLOSED', 'LISTEN');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('a step the lesson does not narrate is told by what it did, in both languages', async () => {
  for (const [lang, pattern] of [['en', /s1 arrives at B\..*B moves from LISTEN to SYN_RCVD/s], ['zh', /s1 到达 B。.*B 从 LISTEN 进入 SYN_RCVD/s]]) {
    const page = await openPage(app.browser, `${app.server.url}?lang=${lang}&lesson=08-time-wait-lost-ack&step=3`);
    try {
      await appReady(page);
      await page.getByTestId('lesson-narration').waitFor({ timeout: SETTLE_MS });
      const narration = page.getByTestId('lesson-narration');
      await eventually(async () => pattern.test(await narration.innerText()), true,
        `${lang}: ${await narration.innerText()}`);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  }
});

test('first steps: shown on a plain first visit, tick off, remembered once put away', async () => {
  const context = await app.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(m.text()); });
  try {
    await page.goto(app.server.url);
    await appReady(page);
    await expectStates(page, 'CLOSED', 'CLOSED');
    assert.equal(await scriptText(page), '', 'nothing run yet');
    const coach = page.getByTestId('coach');
    await coach.waitFor({ timeout: SETTLE_MS });
    await assertInView(page, coach, 'the first steps');
    await assertInView(page, page.getByTestId('coach-lesson'), 'Start lesson 1');
    const done = () => coach.locator('li').evaluateAll((els) => els.map((e) => `${e.dataset.step}:${e.dataset.done}`));
    await eventually(done, ['listen:false', 'connect:false', 'deliver:false']);
    assert.equal(await page.locator('main.coach-next-listen').count(), 1, 'B\'s Listen is pointed at');
    await screenshot(page, `${NAME}-03-first-steps`, { fullPage: false });

    await peerCall(page, 'B', 'listen');
    await eventually(done, ['listen:true', 'connect:false', 'deliver:false']);
    assert.equal(await page.locator('main.coach-next-connect').count(), 1, 'then A\'s Connect');
    await peerCall(page, 'A', 'connect');
    await eventually(done, ['listen:true', 'connect:true', 'deliver:false']);
    assert.equal(await page.locator('[data-seg="s1"].lesson-step').count(), 1, 'then the SYN\'s arrow');
    await actOnSeg(page, 's1', 'deliver');
    await eventually(async () => /start of the three-way handshake/.test(await coach.innerText()), true,
      'all three done: the strip says what comes next');
    assert.equal(await coach.locator('li').count(), 0, 'and folds its list away');

    await page.getByTestId('coach-dismiss').click();
    await eventually(() => coach.count(), 0, 'put away');
    await page.reload();
    await appReady(page);
    await page.waitForTimeout(500);
    assert.equal(await coach.count(), 0, 'a later visit opens without it');
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('first steps stand down when a scenario is loaded: their advice is for a run made by clicks', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1366, height: 768 } });
  try {
    await appReady(page);
    const coach = page.getByTestId('coach');
    await coach.waitFor({ timeout: SETTLE_MS });
    await page.selectOption('[data-action="presets"]', 'fast-retransmit');
    await eventually(async () => /fast retransmit/i.test(await scriptText(page)), true, 'the scenario is loaded');
    await eventually(() => coach.count(), 0, 'no stale "go on delivering" beside a finished scenario');
    assertNoProblems(page);
  } finally {
    await page.close();
  }
});

test('first steps: Start lesson 1 opens it; never in an embed or a shared script', async () => {
  const page = await openPage(app.browser, `${app.server.url}?lang=zh`, { viewport: { width: 360, height: 740 } });
  try {
    await appReady(page);
    const coach = page.getByTestId('coach');
    await coach.waitFor({ timeout: SETTLE_MS });
    await eventually(async () => /第一次来/.test(await coach.innerText()), true, 'the first steps in Chinese');
    await screenshot(page, `${NAME}-04-first-steps-zh-360`, { fullPage: false });
    await page.getByTestId('coach-lesson').click();
    await page.getByTestId('lesson-panel').waitFor({ timeout: SETTLE_MS });
    await eventually(() => page.getByTestId('lesson-panel').getAttribute('data-lesson'), '01-handshake');
    assert.equal(await coach.count(), 0);
    assertNoProblems(page);
  } finally {
    await page.close();
  }
  for (const url of [`${app.server.url}?embed=1`, `${app.server.url}#script=${base64url('B listen\n')}`]) {
    const other = await openPage(app.browser, url);
    try {
      await appReady(other);
      await other.waitForTimeout(500);
      assert.equal(await other.getByTestId('coach').count(), 0, `no first steps at ${url}`);
      assertNoProblems(other);
    } finally {
      await other.close();
    }
  }
});

for (const [width, height] of [[1366, 768], [360, 740]]) {
  test(`results where you click at ${width}×${height}: the segment's menu and the state's explanation in view`, async () => {
    const page = await freshApp(app.browser, app.server.url, { viewport: { width, height } });
    try {
      await peerCall(page, 'B', 'listen');
      await peerCall(page, 'A', 'connect');
      await expectSegs(page, ['s1:SYN:in-flight']);
      const arrow = page.locator('[data-seg="s1"]');
      await arrow.scrollIntoViewIfNeeded();
      await arrow.locator('.hit, .shaft').first().click();
      const menu = page.locator('.segment-menu');
      await menu.locator('[data-action="deliver"]').waitFor({ timeout: SETTLE_MS });
      // Placed after the menu's part has arrived: give the observer a frame.
      await page.waitForTimeout(100);
      await assertInView(page, menu, 'the segment\'s menu');
      const [m, a] = [await menu.boundingBox(), await arrow.boundingBox()];
      const vp = page.viewportSize();
      if (a.y >= 0 && a.y + a.height <= vp.height) {
        assert.ok(m.y >= a.y + a.height - 1 || m.y + m.height <= a.y + 1 || Math.abs(m.y - (a.y + a.height)) < 60,
          `the menu sits by its arrow: menu ${JSON.stringify(m)}, arrow ${JSON.stringify(a)}`);
      }
      await screenshot(page, `${NAME}-05-menu-${width}`, { fullPage: false });
      if (width === 360) {
        // Scrolled away from its arrow, the menu goes with it instead of floating apart.
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        await eventually(() => menu.isVisible(), false, 'the menu hides with its arrow out of view');
        await arrow.scrollIntoViewIfNeeded();
        await eventually(() => menu.isVisible(), true, 'and comes back with it');
        await assertInView(page, menu, 'the segment\'s menu, back in view');
      }
      await menu.locator('[data-action="deliver"]').click();
      await expectStates(page, 'SYN_SENT', 'SYN_RCVD');

      const node = page.locator('[data-state-node="SYN_RCVD"]');
      await node.scrollIntoViewIfNeeded();
      await node.click();
      const explain = page.locator('.explain');
      await explain.waitFor({ timeout: SETTLE_MS });
      await page.waitForTimeout(100);
      await assertInView(page, explain, 'the state\'s explanation');
      await screenshot(page, `${NAME}-06-explain-${width}`, { fullPage: false });
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}
