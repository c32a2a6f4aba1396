// Browser benchmark of capture import (not a test, not run by the test suite):
//   node tests/browser/bench-capture.mjs
// after `trunk build --release --offline` (or with SYNACK_DIST=<dist>).
//
// The capture is the one the native import benchmark generates with the engine
// (crates/core/benches/import.rs: scripted connections with 3% loss, interleaved, at least
// 100,000 TCP packets). It is written once by
//   cargo bench -p synack-core --bench import -- --runs=1 --keep=<path>
// unless BENCH_PCAP names an existing file.
//
// Timed in the page, per run on a fresh page: from the file input's `change` event (the user
// has chosen the file) to the first connection row in the DOM (`capture-conn-1`, noted by a
// MutationObserver), and to the next animation frame after it (the list painted). The first
// run includes starting the capture worker (fetching and compiling its wasm), as a user's
// first import does; so does every run here, since each uses a fresh page.
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { ROOT, launchBrowser, serveStatic } from './helpers.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PCAP = process.env.BENCH_PCAP ?? '/tmp/synack-bench-100k.pcap';

if (!existsSync(PCAP)) {
  console.error(`generating ${PCAP} with the native import benchmark…`);
  execFileSync('cargo', ['bench', '-q', '-p', 'synack-core', '--bench', 'import', '--', '--runs=1', `--keep=${PCAP}`],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}
const size = (await stat(PCAP)).size;

const server = await serveStatic();
const browser = await launchBrowser();
const chromiumVersion = browser.version();
const results = [];
let rows = '';
try {
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(server.url);
    await page.locator('[data-state-node="CLOSED"]').waitFor({ timeout: 20000 });
    await page.evaluate(() => {
      window.__bench = {};
      document.addEventListener('change', () => { window.__bench.chosen = performance.now(); }, true);
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid="capture-conn-1"]')) {
          window.__bench.listed = performance.now();
          requestAnimationFrame(() => { window.__bench.painted = performance.now(); });
          obs.disconnect();
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.locator('[data-testid="capture-open"]').setInputFiles(PCAP);
    await page.waitForFunction(() => window.__bench.painted !== undefined, null, { timeout: 120000 });
    const t = await page.evaluate(() => window.__bench);
    rows = await page.locator('[data-testid="capture-summary"]').innerText();
    results.push({ listed: t.listed - t.chosen, painted: t.painted - t.chosen });
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;
console.log(`capture: ${PCAP}, ${(size / 1e6).toFixed(1)} MB`);
console.log(`summary shown: ${rows.split('\n')[0]}`);
console.log(`runs: ${results.map((r) => ms(r.painted)).join(', ')}`);
console.log(`file chosen → connection list in the DOM, median of ${RUNS}: ${ms(median(results.map((r) => r.listed)))}`);
console.log(`file chosen → connection list painted, median of ${RUNS}: ${ms(median(results.map((r) => r.painted)))}`);
console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; headless Chromium ${chromiumVersion}`);
