// Browser benchmark of the release build (not a test): run `node tests/browser/bench.mjs`
// after `trunk build --release --offline`. Prints a markdown report and writes it to
// docs/measurements/browser-bench.md.
//
// (a) Navigation to the first rendered diagram, over fresh page loads: an init script
//     watches the DOM from the start and notes performance.now() (time since navigation
//     start) when `[data-state-node="CLOSED"]` appears, and at the next animation frame.
// (b) A long run with loss (≥ 5,000 segments) loaded through `#script=`: how long a Step,
//     a Back, a scrubber move and a click at the live end take to re-render, and how many
//     DOM nodes the page holds at several cursor positions.
//
// A re-render is timed in the page, around one dispatched event:
//   dom     = event dispatched → the first DOM change observed (MutationObserver);
//   frame   = event dispatched → the next requestAnimationFrame after the DOM changed
//             (includes waiting for that frame's vsync, up to ~16.7 ms at 60 Hz);
//   settled = event dispatched → the last DOM change before three frames without one.
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST, ROOT, base64url, launchBrowser, serveStatic } from './helpers.mjs';

const LOADS = Number(process.env.BENCH_LOADS ?? 10);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
/** Events between two input events of a scrubber drag (a 300 px track over ~16,700 events). */
const DRAG_STEP = 60;
const REPORT = process.env.BENCH_REPORT ?? join(ROOT, 'docs', 'measurements', 'browser-bench.md');

/** A long transfer with 1% random loss, in 100 ms steps so that Step and Back move a little. */
const TRANSFER_BYTES = 4_000_000;
const LONG_RUN = [
  'set delivery auto',
  'set loss 1%',
  'set seed 7',
  'B listen',
  'A connect',
  'wait 1s',
  `A send ${TRANSFER_BYTES}`,
  ...Array.from({ length: 700 }, () => 'wait 100ms'),
  '',
].join('\n');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => x.toFixed(1);

/** Runs in the page before the app: notes when the diagram first appears. */
function watchFirstDiagram() {
  window.__firstDiagram = null;
  const found = () => document.querySelector('[data-state-node="CLOSED"]');
  const mark = () => {
    if (window.__firstDiagram || !found()) return false;
    const inDom = performance.now();
    window.__firstDiagram = { inDom };
    requestAnimationFrame(() => {
      window.__firstDiagram.frame = performance.now();
    });
    return true;
  };
  const mo = new MutationObserver(() => {
    if (mark()) mo.disconnect();
  });
  mo.observe(document, { subtree: true, childList: true });
}

/** Installs `window.__timeRender(act)` in the page: see the header for what it measures. */
function installTimer() {
  window.__timeRender = (act) =>
    new Promise((resolve, reject) => {
      let dom = null;
      let frame = null;
      let last = null;
      let quiet = 0;
      const mo = new MutationObserver(() => {
        last = performance.now() - t0;
        if (dom !== null) return;
        dom = last;
      });
      mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      const giveUp = setTimeout(() => {
        mo.disconnect();
        reject(new Error('the DOM did not change'));
      }, 10000);
      const t0 = performance.now();
      act();
      let seen = null;
      const onFrame = () => {
        const now = performance.now() - t0;
        if (dom === null) {
          requestAnimationFrame(onFrame);
          return;
        }
        if (frame === null) frame = now;
        // Settled: three frames in a row without a DOM change (follow-up renders, such as
        // the chart's after it scrolls to the cursor, count), or one second.
        quiet = last === seen ? quiet + 1 : 0;
        seen = last;
        if (quiet < 3 && now < 1000) {
          requestAnimationFrame(onFrame);
          return;
        }
        mo.disconnect();
        clearTimeout(giveUp);
        resolve({ dom, frame, settled: last });
      };
      requestAnimationFrame(onFrame);
    });
  // The wait for the next frame alone, with no work: the floor under `frame`.
  window.__idleFrame = () => new Promise((resolve) => {
    const t0 = performance.now();
    requestAnimationFrame(() => resolve(performance.now() - t0));
  });
}

async function measureLoads(browser, url) {
  const samples = [];
  for (let i = -1; i < LOADS; i++) {
    // A new context each time: no cache, no compiled-code cache (the server says no-store).
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(watchFirstDiagram);
    await page.goto(url);
    await page.waitForFunction(() => window.__firstDiagram?.frame !== undefined, null, { timeout: 30000 });
    const r = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      return {
        ...window.__firstDiagram,
        domContentLoaded: nav.domContentLoadedEventEnd,
        wasmFetched: wasm?.responseEnd ?? NaN,
      };
    });
    if (i >= 0) samples.push(r); // the first load warms the browser up and is not counted
    await context.close();
  }
  return samples;
}

/** The highest segment label drawn, and counts of the page's nodes. */
function domSize(page) {
  return page.evaluate(() => ({
    nodes: document.querySelectorAll('*').length,
    segs: document.querySelectorAll('[data-seg]').length,
    maxLabel: Math.max(0, ...[...document.querySelectorAll('[data-seg]')].map((g) => Number(g.getAttribute('data-seg').slice(1)))),
  }));
}

/** Sets the scrubber to `value` as the slider does (one input event) and times the render. */
function timeSeek(page, value) {
  return page.evaluate((v) => window.__timeRender(() => {
    const s = document.querySelector('input[type="range"]');
    s.value = String(v);
    s.dispatchEvent(new InputEvent('input', { bubbles: true }));
  }), value);
}

function timeClick(page, selector) {
  return page.evaluate((sel) => window.__timeRender(() => document.querySelector(sel).click()), selector);
}

const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function measureLongRun(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.addInitScript(watchFirstDiagram);
  const t0 = Date.now();
  await page.goto(`${url}#script=${base64url(LONG_RUN)}`);
  await page.waitForFunction(() => window.__firstDiagram?.frame !== undefined, null, { timeout: 120000 });
  const loadedIn = await page.evaluate(() => window.__firstDiagram.frame);
  const wallLoad = Date.now() - t0;
  await page.evaluate(installTimer);
  await settle(page);

  const slider = page.locator('input[type="range"]');
  const len = Number(await slider.getAttribute('max'));
  const live = await domSize(page);
  const states = await page.evaluate(() => [...document.querySelectorAll('[data-peer]')].map((p) => `${p.dataset.peer} ${p.dataset.state}`).join(', '));

  // DOM size at several cursor positions.
  const positions = [];
  for (const f of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]) {
    const at = Math.round(len * f);
    if (Number(await slider.inputValue()) !== at) await timeSeek(page, at).catch(() => {});
    await settle(page);
    positions.push({ at, f, ...(await domSize(page)) });
  }

  // Scrubber moves to pseudo-random positions (a fixed LCG, so runs compare).
  const scrub = [];
  let x = 12345;
  for (let i = 0; i < SAMPLES; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const at = Math.floor((x / 2 ** 31) * len);
    scrub.push(await timeSeek(page, at));
    await settle(page);
  }

  // A drag: consecutive moves a little apart, from 40% of the way in.
  const drag = [];
  const from = Math.round(len * 0.4);
  await timeSeek(page, from);
  await settle(page);
  for (let i = 1; i <= SAMPLES; i++) {
    drag.push(await timeSeek(page, from + i * DRAG_STEP));
    await settle(page);
  }

  // Step forward from a quarter of the way in, one 100 ms command at a time; then Back.
  await timeSeek(page, Math.round(len * 0.25));
  await settle(page);
  const step = [];
  for (let i = 0; i < SAMPLES; i++) {
    step.push(await timeClick(page, '[data-action="step"]'));
    await settle(page);
  }
  const back = [];
  for (let i = 0; i < SAMPLES; i++) {
    back.push(await timeClick(page, '[data-action="back"]'));
    await settle(page);
  }

  // Acting at the live end of the long run: A sends 100 bytes (a new command: the session
  // re-runs nothing, but the timeline index is rebuilt over the whole trace).
  await timeSeek(page, len);
  await settle(page);
  const act = [];
  for (let i = 0; i < Math.min(SAMPLES, 30); i++) {
    act.push(await timeClick(page, '[data-peer="A"] [data-action="send"]'));
    await settle(page);
  }
  const afterActs = await domSize(page);
  const idle = [];
  for (let i = 0; i < SAMPLES; i++) {
    idle.push(await page.evaluate(() => window.__idleFrame()));
    await page.waitForTimeout(7 * (i % 3));
  }
  await context.close();
  return { len, live, states, positions, scrub, drag, step, back, act, afterActs, idle, loadedIn, wallLoad, problems };
}

function row(name, samples) {
  const pick = (k) => samples.map((s) => s[k]);
  return `| ${name} | ${samples.length} | ${ms(median(pick('dom')))} | **${ms(median(pick('frame')))}** | ${ms(pct(pick('frame'), 90))} | ${ms(median(pick('settled')))} |`;
}

async function main() {
  const server = await serveStatic();
  const browser = await launchBrowser();
  try {
    const loads = await measureLoads(browser, server.url);
    const run = await measureLongRun(browser, server.url);
    const version = browser.version();
    const cpu = cpus();
    const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const firstFrame = loads.map((l) => l.frame);
    const inDom = loads.map((l) => l.inDom);

    const files = (await readdir(DIST)).filter((f) => /\.(wasm|js|css)$/.test(f));
    const sizes = await Promise.all(files.map(async (f) => `${f} ${((await stat(join(DIST, f))).size / 1024).toFixed(0)} KB`));
    const budget = (samples) => (median(samples.map((x) => x.frame)) <= 16 ? 'within' : 'over');
    const lines = [
      '# Browser benchmark',
      '',
      `Measured ${when} by \`node tests/browser/bench.mjs\` on the release build`,
      `(${sizes.join(', ')}; raw sizes), served from localhost, in headless Chromium ${version}`,
      `(Debian package, driven by playwright-core). Machine: ${cpu.length} cores (${cpu[0]?.model?.trim() ?? 'unknown CPU'}),`,
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, shared with other work while measuring (load average`,
      `${loadavg().map((x) => x.toFixed(1)).join(' / ')} at the end), so expect noise of several milliseconds between runs.`,
      '',
      '## Navigation to the first rendered diagram',
      '',
      `${LOADS} fresh page loads (a new browser context each, nothing cached; one warm-up load before, not counted).`,
      'Times are `performance.now()` in the page, i.e. milliseconds since navigation start.',
      '',
      '| measure | median | min | max |',
      '|---|---:|---:|---:|',
      `| diagram node \`[data-state-node="CLOSED"]\` in the DOM | ${ms(median(inDom))} | ${ms(Math.min(...inDom))} | ${ms(Math.max(...inDom))} |`,
      `| next animation frame (first rendered diagram) | **${ms(median(firstFrame))}** | ${ms(Math.min(...firstFrame))} | ${ms(Math.max(...firstFrame))} |`,
      `| wasm fetched (resource timing responseEnd) | ${ms(median(loads.map((l) => l.wasmFetched)))} | | |`,
      `| DOMContentLoaded end | ${ms(median(loads.map((l) => l.domContentLoaded)))} | | |`,
      '',
      `All samples, first frame (ms): ${firstFrame.map(ms).join(', ')}`,
      '',
      `## A long run: ${run.live.maxLabel} segments`,
      '',
      `Script loaded through \`#script=\`: ${TRANSFER_BYTES.toLocaleString('en')} bytes from A with \`set loss 1%\`, \`set seed 7\`,`,
      'auto delivery, then 700 lines of `wait 100ms` (so that Step and Back move 100 ms of events).',
      `The trace has ${run.len.toLocaleString('en')} events and ${run.live.maxLabel.toLocaleString('en')} segments; the run ends with ${run.states}.`,
      `Opening the page with it took ${ms(run.loadedIn)} ms to the first rendered diagram (the app runs the whole script first).`,
      '',
      '### Re-render time per action (ms)',
      '',
      'Columns (medians unless said): **first patch** event dispatched → the first DOM change observed (the app',
      'may go on rendering after it); **frame** event dispatched → the next animation frame after the DOM',
      'changed, as the budget asks (it includes waiting for that frame: with no work at all that wait has a median',
      `of ${ms(median(run.idle))} ms here); **settled** event dispatched → the last DOM change before three quiet frames`,
      '(the chart renders again after it scrolls to the cursor).',
      'Budget (issue 3): a step or a scrubber move re-renders in at most 16 ms median.',
      '',
      '| action | samples | first patch | frame | frame p90 | settled |',
      '|---|---:|---:|---:|---:|---:|',
      row('scrubber jump (input event, random positions)', run.scrub),
      row(`scrubber drag (input events, ${DRAG_STEP} events apart)`, run.drag),
      row('Step (button, 100 ms of events forward)', run.step),
      row('Back (button, one command back)', run.back),
      row('A Send at the live end (new command)', run.act),
      '',
      `Against the 16 ms budget (frame median): scrubber jump ${budget(run.scrub)}, scrubber drag ${budget(run.drag)},`,
      `Step ${budget(run.step)}, Back ${budget(run.back)}.`,
      '',
      '### DOM size at cursor positions',
      '',
      'The chart draws only what overlaps its view (plus a margin), so the page stays small anywhere in the run.',
      '',
      '| cursor (event) | position | all elements | `[data-seg]` arrows |',
      '|---:|---:|---:|---:|',
      ...run.positions.map((p) => `| ${p.at.toLocaleString('en')} | ${Math.round(p.f * 100)}% | ${p.nodes} | ${p.segs} |`),
      `| live end after ${run.act.length} more sends | | ${run.afterActs.nodes} | ${run.afterActs.segs} |`,
      '',
      run.problems.length ? `Console or page errors during the run: ${run.problems.join('; ')}` : 'No console or page errors during the run.',
      '',
    ];
    const report = lines.join('\n');
    console.log(report);
    await mkdir(join(ROOT, 'docs', 'measurements'), { recursive: true });
    await writeFile(REPORT, report);
    console.error(`\nwritten to ${REPORT}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
