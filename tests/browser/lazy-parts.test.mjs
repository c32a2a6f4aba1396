// The parts of the page that are fetched on first use (crates/app/src/lazy.rs): none of them
// is fetched at first paint; each arrives when first used, under the strict CSP and from the
// page's own origin; and a part that cannot be fetched says so, leaves the page working, and
// can be tried again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, appReady, base64url, assertNoProblems, clickSeg, eventually, expectStates, launchBrowser, openPage,
  peerCall, screenshot, serveStatic,
} from './helpers.mjs';
import { CSP } from './self-contained.test.mjs';

const NAME = 'lazy-parts';
/** The handshake scenario by link: a page with arrows to click (a plain visit opens empty). */
const handshakeUrl = () => `${ctx.server.url}#script=${base64url(readFileSync(join(ROOT, 'scenarios', 'handshake.tcps'), 'utf8'))}`;
const ctx = {};

before(async () => {
  ctx.server = await serveStatic(undefined, { headers: { 'content-security-policy': CSP } });
  ctx.browser = await launchBrowser();
});
after(async () => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

/** What belongs to one part: its module, its shared chunks, its texts and stylesheets. */
const PART_FILE = /\/(split_\w+\.wasm|chunk_\d+\w*\.wasm|(capture|cc|hex|lesson|linux)\.css|i18n\/en\/(capture-view|cc|export|hex|inject-form|inspector|lesson-panel|linux-view|segment-menu)\.txt)$/;

/** Opens the app recording every request's path and every CSP violation. */
async function openRecorded(url, options) {
  const page = await openPage(ctx.browser, url, options);
  page.requests = [];
  page.on('request', (r) => page.requests.push(r.url()));
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await appReady(page);
  return page;
}

/** The part files requested since `from` (an index into page.requests). */
const partRequests = (page, from = 0) => page.requests.slice(from)
  .filter((u) => PART_FILE.test(u)).map((u) => new URL(u).pathname.slice(1));

test('at first paint no part is fetched; each part arrives on first use, under the strict CSP', async () => {
  // Recorded from the first request: openPage starts loading, so listen before it.
  const context = await ctx.browser.newContext({ viewport: { width: 1100, height: 800 } });
  const first = [];
  context.on('request', (r) => first.push(r.url()));
  // A link's run (a newcomer's plain visit fetches the lessons' part: see the next test).
  const page = await openPage(context, handshakeUrl());
  await appReady(page);
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED', 'the handshake ran');
  await page.waitForTimeout(500);
  assert.deepEqual(first.filter((u) => PART_FILE.test(u)), [], 'no part is fetched at first paint');
  assert.ok(first.some((u) => u.endsWith('/synack-app_bg.wasm')), 'the page\'s own wasm was fetched');
  page.requests = first;
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });

  // Each use, the part it needs, and what must then be on the page.
  const uses = [
    ['export', async () => {
      // A pointer on the menu starts the fetch before the click opens it.
      await page.hover('[data-testid="export"] summary');
      await eventually(() => partRequests(page).includes('split_export.wasm'), true, 'hovering fetches the part');
      assert.equal(await page.locator('[data-testid="export"]').evaluate((d) => d.open), false);
      await page.click('[data-testid="export"] summary');
    }, '[data-export="chart-svg"]'],
    // (closes the menu again, so that it covers nothing)
    ['inject', async () => {
      await page.click('[data-testid="export"] summary');
      await page.click('[data-testid="inject-box"] summary');
    }, 'form.inject [data-action="inject"]'],
    ['inspector', async () => clickSeg(page, 's1'), '[data-testid="hex-view"] .hex-byte'],
    ['explain', async () => page.click('[data-state-node="CLOSE_WAIT"]'), '.explain dd'],
    ['linux', async () => page.click('[data-testid="linux-toggle"]'), '[data-testid="ss-table"] tr[data-ss-state="ESTAB"]'],
    ['cc', async () => page.click('[data-testid="cc-toggle"]'), '[data-testid="cc-bars-A"]'],
    ['lesson', async () => {
      await page.click('[data-testid="lesson-picker"] summary');
      await page.click('[data-testid="lesson-item-01-handshake"]');
    }, '[data-testid="lesson-narration"]'],
    ['capture', async () => page.setInputFiles('[data-testid="capture-open"]', join(ROOT, 'tests/fixtures/crash-half-open.pcap')),
      '[data-testid="capture-summary"]'],
  ];
  const seen = new Set();
  for (const [part, use, shown] of uses) {
    const from = page.requests.length;
    assert.ok(!partRequests(page).includes(`split_${part}.wasm`), `split_${part}.wasm is not fetched before its first use`);
    await use();
    await page.locator(shown).first().waitFor({ timeout: 10000 });
    const fetched = partRequests(page, from);
    assert.ok(fetched.includes(`split_${part}.wasm`), `using the ${part} part fetched split_${part}.wasm: ${fetched}`);
    // Its texts arrived too: nothing shows a catalog key instead of a text.
    const keys = await page.evaluate(() => document.body.innerText.match(/\b(capture|cc|export|hex|inject|inspector|lesson|linux|share)\.[a-z_.]+\b/g));
    assert.equal(keys, null, `after the ${part} part arrived, catalog keys show: ${keys}`);
    fetched.forEach((f) => seen.add(f));
  }
  await screenshot(page, `${NAME}-01-every-part-loaded`);
  // A part is fetched once: using it again fetches nothing.
  const before = page.requests.length;
  await page.click('[data-testid="capture-back"]');
  await page.click('[data-testid="export"] summary');
  await page.locator('[data-export="chart-svg"]').waitFor();
  assert.deepEqual(partRequests(page, before), [], 'a part that has arrived is not fetched again');

  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no Content-Security-Policy violation');
  const origin = new URL(ctx.server.url).origin;
  assert.deepEqual(page.requests.filter((u) => new URL(u).origin !== origin && !u.startsWith('blob:')), [],
    'every request stays on the page\'s origin');
  assertNoProblems(page);
  await context.close();
});

test('a newcomer\'s first paint fetches only the lessons\' part, for the first steps', async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1100, height: 800 } });
  const first = [];
  context.on('request', (r) => first.push(r.url()));
  const page = await openPage(context, ctx.server.url);
  await appReady(page);
  await page.getByTestId('coach').waitFor();
  await page.waitForTimeout(500);
  const parts = first.filter((u) => PART_FILE.test(u)).map((u) => new URL(u).pathname.slice(1));
  assert.ok(parts.includes('split_lesson.wasm'), `the first steps come with the lessons: ${parts}`);
  assert.deepEqual(parts.filter((p) => /^split_/.test(p) && p !== 'split_lesson.wasm'), [],
    'no other part is fetched');
  assertNoProblems(page);
  await context.close();
});

test('a part that cannot be fetched says so, the page keeps working, and Try again loads it', async () => {
  const page = await openRecorded(handshakeUrl());
  // The network fails for the inspector's module, as it would offline or on a bad deploy.
  let block = true;
  await page.route('**/split_inspector.wasm', (route) => (block ? route.abort('internetdisconnected') : route.continue()));
  await clickSeg(page, 's1');
  const error = page.locator('[data-testid="lazy-error"][data-part="inspector"]');
  await error.waitFor({ timeout: 10000 });
  assert.match(await error.innerText(), /inspector could not be loaded \(cannot load split_inspector\.wasm\)/);
  assert.equal(await error.getAttribute('role'), 'alert');
  await screenshot(page, `${NAME}-02-failed-part`);

  // The network is back: Try again fetches the part and shows it.
  block = false;
  await page.locator('[data-testid="lazy-retry"]').click();
  await page.locator('.inspector [data-testid="hex-view"]').waitFor({ timeout: 10000 });
  assert.equal(await page.locator('[data-testid="lazy-error"]').count(), 0, 'the message is gone');

  // And the page was never broken: the peers can still be driven.
  await page.click('[data-action="reset"]');
  await peerCall(page, 'B', 'listen');
  await peerCall(page, 'A', 'connect');
  await expectStates(page, 'SYN_SENT', 'LISTEN', 'the peers still answer after the failed load');
  // The only problems were the blocked request and the loader's report of it.
  const expected = (p) => /split_inspector\.wasm|ERR_INTERNET_DISCONNECTED/.test(p)
    || /^console\.error: (TypeError: Failed to fetch|.*split)/i.test(p);
  assert.ok(page.problems.some(expected), `the failure was reported: ${page.problems}`);
  assertNoProblems({ problems: page.problems.filter((p) => !expected(p)) });
  await page.close();
});

test('a capture opened while its module cannot be fetched says so, and opens once it can', async () => {
  const page = await openRecorded(ctx.server.url);
  let block = true;
  await page.route('**/split_capture.wasm', (route) => (block ? route.abort('internetdisconnected') : route.continue()));
  const file = join(ROOT, 'tests/fixtures/crash-half-open.pcap');
  await page.setInputFiles('[data-testid="capture-open"]', file);
  const error = page.locator('[data-testid="lazy-error"][data-part="capture"]');
  await error.waitFor({ timeout: 10000 });
  assert.match(await error.innerText(), /capture view could not be loaded \(cannot load split_capture\.wasm\)/);
  block = false;
  await page.locator('[data-testid="lazy-retry"]').click();
  // The view has arrived and says why the file was not read; opening it again reads it.
  await eventually(async () => /The capture could not be read \(cannot load split_capture\.wasm\)/.test(await page.locator('body').innerText()),
    true, 'the failed import is explained');
  await page.setInputFiles('[data-testid="capture-open"]', file);
  await page.locator('[data-testid="capture-summary"]').waitFor({ timeout: 10000 });
  await page.close();
});

test('a part whose texts cannot be fetched is not drawn with keys in place of words', async () => {
  const page = await openRecorded(ctx.server.url);
  await page.route('**/i18n/en/export.txt', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.click('[data-testid="export"] summary');
  const error = page.locator('[data-testid="lazy-error"][data-part="export"]');
  await error.waitFor({ timeout: 10000 });
  assert.match(await error.innerText(), /export menu could not be loaded \(cannot load i18n\/en\/export\.txt: HTTP 404\)/);
  assert.equal(await page.locator('[data-export]').count(), 0, 'no half-drawn menu');
  await page.unroute('**/i18n/en/export.txt');
  await page.locator('[data-testid="lazy-retry"]').click();
  await eventually(async () => (await page.locator('[data-export]').count()) > 0, true, 'the menu after Try again');
  assert.equal(await page.locator('[data-export="chart-svg"]').innerText(), 'Sequence chart (SVG)');
  await page.close();
});
