// The release build is self-contained: every request goes to the page's own origin, and the
// page works under `Content-Security-Policy: default-src 'self'; script-src 'self'
// 'wasm-unsafe-eval'` (no inline script, no inline style, no data: favicon) while it loads,
// plays, opens a lesson and a built-in scenario, switches language, shares and exports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady, assertNoProblems, eventually, expectStates, launchBrowser, openPage, screenshot,
  serveStatic, timeControl,
} from './helpers.mjs';

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
const NAME = 'self-contained';
const ctx = {};

before(async () => {
  ctx.server = await serveStatic(undefined, { headers: { 'content-security-policy': CSP } });
  ctx.browser = await launchBrowser();
});
after(async () => {
  await ctx.browser?.close();
  await ctx.server?.close();
});

/** Opens the app recording every request and every CSP violation the page reports. */
async function openRecorded(url) {
  const context = await ctx.browser.newContext({ viewport: { width: 1100, height: 800 } });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await openPage(context, url);
  await appReady(page);
  return { context, page, requests };
}

const violations = (page) => page.evaluate(() => window.__violations);

test('under the strict CSP: load, play, a lesson, a scenario, Chinese, share and SVG export, all same-origin', async () => {
  const { context, page, requests } = await openRecorded(ctx.server.url);
  const headers = await (await page.request.get(ctx.server.url)).headers();
  assert.equal(headers['content-security-policy'], CSP, 'the server sends the policy');
  // index.html preloads the wasm, and the loader uses that download: one fetch, not two (a
  // mismatched preload would be fetched and then thrown away).
  const wasmFetches = requests.filter((u) => u.endsWith('/synack-app_bg.wasm'));
  assert.equal(wasmFetches.length, 1, `the wasm is fetched once: ${wasmFetches.join(', ')}`);
  assert.equal(await page.locator('link[rel="preload"][href="synack-app_bg.wasm"]').count(), 1, 'the wasm is preloaded');

  // Play the default scenario from a fresh connection.
  await timeControl(page, 'reset');
  await page.click('[data-peer="B"] [data-action="listen"]');
  await page.click('[data-peer="A"] [data-action="connect"]');
  await timeControl(page, 'play');
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED', 'playback completes the handshake');

  // A built-in scenario (fetched) and a lesson (fetched).
  await page.selectOption('[data-action="presets"]', 'simultaneous-close');
  await eventually(async () => (await page.locator('textarea.script').inputValue()).includes('close'), true, 'the scenario loaded');
  await page.click('[data-testid="lesson-picker"] summary');
  await page.click('[data-testid="lesson-item-01-handshake"]');
  await page.locator('[data-testid="lesson-panel"]').waitFor();
  await page.click('[data-testid="lesson-next"]');

  // Chinese (fetched catalogs), a share link and an SVG export.
  await page.click('[data-testid="lang-toggle"]');
  await eventually(() => page.evaluate(() => document.documentElement.lang), 'zh-Hans', 'Chinese');
  await page.click('[data-testid="share"]');
  await eventually(async () => (await page.locator('[data-testid="share-field"]').count()) > 0, true, 'the share field');
  await page.click('[data-testid="export"] summary');
  const download = page.waitForEvent('download');
  await page.click('[data-export="diagram-svg"]');
  assert.match((await download).suggestedFilename(), /\.svg$/);
  await page.waitForTimeout(300);
  await screenshot(page, `${NAME}-01-under-csp`);

  assert.deepEqual(await violations(page), [], 'no Content-Security-Policy violation');
  assertNoProblems(page);
  const origin = new URL(ctx.server.url).origin;
  const foreign = requests.filter((u) => new URL(u).origin !== origin && !u.startsWith('blob:'));
  assert.deepEqual(foreign, [], 'every request goes to the page\'s origin');
  assert.ok(requests.some((u) => u.endsWith('.wasm')), `the wasm was loaded: ${requests.join(', ')}`);
  assert.ok(requests.some((u) => u.includes('/lessons/')) && requests.some((u) => u.includes('/scenarios/')));
  await context.close();
});

test('under the strict CSP, PNG export says why it cannot work instead of failing silently', async () => {
  const { context, page } = await openRecorded(ctx.server.url);
  await page.click('[data-testid="export"] summary');
  await page.click('[data-export="chart-png"]');
  const message = page.locator('[data-testid="export-message"]');
  await message.waitFor();
  assert.match(await message.innerText(), /Content-Security-Policy/);
  assert.match(await message.innerText(), /img-src/);
  // The one refusal is the policy doing its job on the blob: image, and nothing else failed.
  const blocked = (p) => /Loading the image 'blob:/.test(p) || /^request failed: blob:.*\(csp\)$/.test(p);
  assert.ok(page.problems.some(blocked), `the browser reports the blocked image: ${page.problems}`);
  assertNoProblems({ problems: page.problems.filter((p) => !blocked(p)) });
  assert.deepEqual((await violations(page)).map((v) => v.split(' ')[0]), ['img-src'], 'only the image was refused');
  await context.close();
});
