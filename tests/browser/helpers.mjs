// Shared helpers for the browser tests (run with `node --test tests/browser/`):
// a tiny static server for dist/, a headless Debian chromium driven by playwright-core, and
// the page's stable automation hooks (README: "Automation hooks") wrapped as small verbs.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The release build to serve; SYNACK_DIST points elsewhere (say, a snapshot of dist/). */
export const DIST = resolve(process.env.SYNACK_DIST ?? join(ROOT, 'dist'));
export const ARTIFACTS = join(ROOT, 'tests', 'browser', 'artifacts');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long a hook may take to show the expected value after an action. */
export const SETTLE_MS = 5000;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.tcps': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` on a free localhost port. Returns `{ url, close }`. `headers` are added to every
 * response (e.g. a Content-Security-Policy).
 */
export async function serveStatic(dir = DIST, { headers = {} } = {}) {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html is missing: run \`trunk build --release --offline\` first`);
  }
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    // Chromium asks for /favicon.ico on its own, and Playwright does not report that request;
    // answering "no content" keeps its 404 out of the console errors the tests check.
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== dir && !file.startsWith(dir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...headers,
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((done) => server.close(done)),
  };
}

/** Launches headless chromium (the Debian package; nothing is downloaded). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Opens a page that records console errors, uncaught exceptions and failed requests in
 * `page.problems`, so a test can assert that the app ran cleanly.
 */
export async function openPage(browser, url, options = {}) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, ...options });
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console.error: ${msg.text()}`);
    // A deprecation warning (wasm-bindgen's, for one) is a problem of ours to fix.
    if (msg.type() === 'warning' && /deprecated/i.test(msg.text())) {
      page.problems.push(`console.warn: ${msg.text()}`);
    }
  });
  page.on('response', (res) => {
    if (res.status() >= 400) page.problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    page.problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on('crash', () => page.problems.push('the page crashed'));
  await page.goto(url);
  return page;
}

/** Waits until the app has mounted: the state diagram's CLOSED node is in the page. */
export async function appReady(page) {
  await page.locator('[data-state-node="CLOSED"]').waitFor({ timeout: 20000 });
}

/**
 * Opens the app and starts from nothing by clicking Reset (the page opens with the default
 * scenario): both peers CLOSED, no segment, empty script.
 */
export async function freshApp(browser, url, options = {}) {
  const page = await openPage(browser, url, options);
  await appReady(page);
  await page.click('[data-action="reset"]');
  await expectStates(page, 'CLOSED', 'CLOSED');
  await expectSegs(page, []);
  return page;
}

/** Saves a full-page screenshot as tests/browser/artifacts/<name>.png and returns its path. */
export async function screenshot(page, name, options = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, ...options });
  return path;
}

/** Saves a screenshot of one element as tests/browser/artifacts/<name>.png. */
export async function screenshotOf(locator, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await locator.screenshot({ path });
  return path;
}

/** Both peers' `data-state`. */
export function states(page) {
  return page.evaluate(() => {
    const of = (p) => document.querySelector(`[data-peer="${p}"]`)?.getAttribute('data-state') ?? null;
    return { A: of('A'), B: of('B') };
  });
}

/**
 * Every segment arrow of the chart as `{ seg, flags, status }`, whether or not it is drawn now.
 * The chart draws only the arrows near its scrolled view (crates/app/src/model/chart_layout.rs,
 * `band`), and on a wide screen it scrolls inside its own box; so, like a reader, this scrolls
 * the chart from top to bottom a view at a time, collecting what each view draws, then puts it
 * back where it was. The chart re-renders on its scroll event: each view waits for two frames.
 */
function chartArrows(page) {
  return page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const seen = new Map();
    const collect = () => {
      for (const g of document.querySelectorAll('[data-seg]')) {
        seen.set(g.getAttribute('data-seg'), {
          seg: g.getAttribute('data-seg'),
          flags: g.getAttribute('data-flags'),
          status: g.getAttribute('data-status'),
        });
      }
    };
    collect();
    for (const chart of document.querySelectorAll('.chart')) {
      if (chart.scrollHeight <= chart.clientHeight + 1) continue;
      // Let a glide to the cursor (data-scroll="smooth") finish, so the view restored is the
      // one the page chose.
      for (let i = 0, last = -1; i < 30 && chart.scrollTop !== last; i++) {
        last = chart.scrollTop;
        await frame();
        await frame();
      }
      const saved = chart.scrollTop;
      const behavior = chart.style.scrollBehavior;
      chart.style.scrollBehavior = 'auto';
      const scrollTo = async (top) => {
        chart.scrollTop = top;
        await frame();
        await frame();
      };
      for (let top = 0; ; top += Math.max(1, chart.clientHeight)) {
        await scrollTo(top);
        collect();
        if (top + chart.clientHeight >= chart.scrollHeight) break;
      }
      await scrollTo(saved);
      chart.style.scrollBehavior = behavior;
    }
    return [...seen.values()];
  });
}

/** Every segment arrow of the chart as `s1:SYN:delivered`, in label order (see `chartArrows`). */
export async function segs(page) {
  return (await chartArrows(page))
    .map((a) => ({ n: Number(a.seg.slice(1)), text: `${a.seg}:${a.flags}:${a.status}` }))
    .sort((a, b) => a.n - b.n)
    .map((s) => s.text);
}

/** The number of the chart's arrows with each data-status (see `chartArrows`). */
export async function statusCounts(page) {
  const counts = {};
  for (const { status } of await chartArrows(page)) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Polls `read` until it deep-equals `expected` (the app renders asynchronously), then asserts. */
export async function eventually(read, expected, message) {
  const deadline = Date.now() + SETTLE_MS;
  let last = await read();
  while (!isDeepEqual(last, expected) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    last = await read();
  }
  assert.deepEqual(last, expected, message);
  return last;
}

function isDeepEqual(a, b) {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/** Asserts both peers' states (A, B), waiting briefly for the render. */
export function expectStates(page, A, B, message = `expected A ${A}, B ${B}`) {
  return eventually(() => states(page), { A, B }, message);
}

/** Asserts the whole list of arrows as `['s1:SYN:delivered', ...]`. */
export function expectSegs(page, expected, message = 'the chart\'s arrows (data-seg:data-flags:data-status)') {
  return eventually(() => segs(page), expected, message);
}

/** Clicks a peer's call button (listen, connect, send, close, abort, crash). */
export async function peerCall(page, peer, action) {
  const button = page.locator(`[data-peer="${peer}"] [data-action="${action}"]`);
  assert.equal(await button.isEnabled(), true, `${peer}'s ${action} button is disabled: ${await button.getAttribute('title')}`);
  await button.click();
}

/** Clicks a segment's arrow, like a person: on the middle of its line. */
export async function clickSeg(page, label) {
  const arrow = page.locator(`[data-seg="${label}"]`);
  await arrow.waitFor();
  const line = arrow.locator('.hit, .shaft').first();
  await ((await line.count()) ? line : arrow).click();
}

/** Clicks an in-flight arrow and picks an item of its menu: deliver, drop, dup or hold. */
export async function actOnSeg(page, label, action) {
  await clickSeg(page, label);
  const menu = page.locator('.segment-menu');
  await menu.waitFor({ timeout: SETTLE_MS });
  await menu.locator(`[data-action="${action}"]`).click();
}

/** Clicks a time control: step, back, reset, next-timer, play, pause. */
/**
 * Opens the "Inject a segment" disclosure (its form is fetched on first use, see
 * crates/app/src/lazy.rs) and returns the form once it is there.
 */
export async function openInject(page) {
  const box = page.locator('[data-testid="inject-box"]');
  if (!(await box.evaluate((d) => d.open))) await box.locator('summary').click();
  const form = page.locator('form.inject');
  await form.waitFor();
  return form;
}

export async function timeControl(page, action) {
  await page.click(`[data-action="${action}"]`);
}

/** Fails with the recorded console errors and page errors, if any. */
export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'console errors, page errors or failed requests');
}

/** Base64url (RFC 4648 §5, no padding) of a UTF-8 string, as `#script=` wants it. */
export function base64url(text) {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The textarea of the script panel. */
export function scriptText(page) {
  return page.locator('textarea.script').inputValue();
}

/**
 * Runs one test's page: opens it, hands it to `body`, and always screenshots the state it
 * ended in (as `<name>-zz-end.png`, handy when an assertion failed) and closes it.
 */
export async function withApp(browser, url, name, body, options = {}) {
  const page = await freshApp(browser, url, options);
  try {
    await body(page);
  } finally {
    await screenshot(page, `${name}-zz-end`).catch(() => {});
    await page.close();
  }
}

/**
 * Registers the file's `before`/`after` hooks: one static server and one browser for all the
 * tests of a file. Returns `{ server, browser }`, filled in once `before` has run.
 */
export function useApp() {
  const ctx = {};
  before(async () => {
    ctx.server = await serveStatic();
    ctx.browser = await launchBrowser();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });
  return ctx;
}

/** A screenshot function for one test: `shot('03-delivered')` saves `<name>-03-delivered.png`. */
export function shooter(page, name) {
  return (step, options) => screenshot(page, `${name}-${step}`, options);
}

/**
 * The three-way handshake by clicks, from both peers CLOSED: B listen, A connect, then each
 * in-flight arrow clicked and delivered from its menu. Ends with both ESTABLISHED and
 * s1..s3 delivered.
 */
export async function handshakeByClicks(page) {
  await peerCall(page, 'B', 'listen');
  await expectStates(page, 'CLOSED', 'LISTEN');
  await peerCall(page, 'A', 'connect');
  await expectStates(page, 'SYN_SENT', 'LISTEN');
  await expectSegs(page, ['s1:SYN:in-flight']);
  await actOnSeg(page, 's1', 'deliver');
  await expectStates(page, 'SYN_SENT', 'SYN_RCVD');
  await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:in-flight']);
  await actOnSeg(page, 's2', 'deliver');
  await expectStates(page, 'ESTABLISHED', 'SYN_RCVD');
  await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:in-flight']);
  await actOnSeg(page, 's3', 'deliver');
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');
  await expectSegs(page, ['s1:SYN:delivered', 's2:SYN,ACK:delivered', 's3:ACK:delivered']);
}

/**
 * Screen geometry for the charts' overlap tests, put into the page as `window.synackGeometry`:
 * `toScreen(el, x, y)` maps a point of `el`'s user space to the screen, and `intersect(p, q)`
 * is the separating axis test for convex polygons (a segment is a polygon of two points).
 */
const GEOMETRY = `window.synackGeometry = {
  toScreen(el, x, y) {
    const m = el.getScreenCTM();
    return { x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f };
  },
  intersect(p, q) {
    const axes = (poly) => poly.map((a, i) => { const b = poly[(i + 1) % poly.length]; return { x: a.y - b.y, y: b.x - a.x }; });
    return [...axes(p), ...axes(q)].every((ax) => {
      const proj = (poly) => poly.map((v) => v.x * ax.x + v.y * ax.y);
      const [a, b] = [proj(p), proj(q)];
      return Math.max(...a) > Math.min(...b) && Math.max(...b) > Math.min(...a);
    });
  },
};`;

/** Puts `window.synackGeometry` into the page (once). */
export async function withGeometry(page) {
  if (!(await page.evaluate(() => Boolean(window.synackGeometry)))) await page.addScriptTag({ content: GEOMETRY });
}
