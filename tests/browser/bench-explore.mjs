// Browser benchmark of the explorer (not a test, not run by the test suite):
//   node tests/browser/bench-explore.mjs
// after `trunk build --release --offline` (or with SYNACK_DIST=<dist>).
//
// The same searches as the native benchmark (crates/core/benches/explore.rs): a map (no
// goal, no state limit) from the start of a handshake (`B listen`, `A connect`) without and
// with user calls, and from an established connection with them, each for 1 s and 10 s of the
// worker's clock. Each search runs in the page's own explorer worker
// (synack-explore-worker_loader.js, as the "How do I get there?" panel starts it), started
// afresh and warmed by one 0.2 s search first; the message is the panel's (see
// crates/app/src/model/explore.rs). States per second divide by the time from posting the
// request to receiving the answer, as the page sees it (so the answer's serialisation counts).
import { cpus, loadavg } from 'node:os';
import { launchBrowser, serveStatic } from './helpers.mjs';

const quick = process.argv.includes('--quick');
const BUDGETS = quick ? [200, 1000] : [1000, 10000];
const HANDSHAKE = 'B listen\nA connect\n';
const ESTABLISHED = 'B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n';
const ALL = ['listen', 'connect', 'send', 'close', 'abort', 'crash'];
const RUNS = [
  ['handshake', HANDSHAKE, false],
  ['handshake', HANDSHAKE, true],
  ['established', ESTABLISHED, true],
];

const server = await serveStatic();
const browser = await launchBrowser();
console.log(`synack explorer in the browser: Chromium ${browser.version()}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('');
console.log('| start | calls | budget | states | steps tried | complete depth | states/s | wall ms |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  for (const [name, script, calls] of RUNS) {
    for (const budget of BUDGETS) {
      const request = {
        script,
        search: 'map',
        options: { calls: calls ? ALL : [], send_bytes: 100, max_depth: null, max_states: Number.MAX_SAFE_INTEGER },
      };
      const r = await page.evaluate(async ({ request, budget }) => {
        const worker = new Worker('./synack-explore-worker_loader.js');
        const next = () => new Promise((done) => worker.addEventListener('message', function once(e) {
          if (e.data[0] === 'P') return;
          worker.removeEventListener('message', once);
          done(e.data);
        }));
        const ready = await next();
        if (ready !== 'R') throw new Error(`worker said ${ready}`);
        worker.postMessage(JSON.stringify({ time_ms: 200, request }));
        await next();
        const t0 = performance.now();
        worker.postMessage(JSON.stringify({ time_ms: budget, request }));
        const answer = await next();
        const wall = performance.now() - t0;
        worker.terminate();
        if (answer[0] !== 'A') throw new Error(answer);
        return { wall, progress: JSON.parse(answer.slice(1)).progress };
      }, { request, budget });
      const p = r.progress;
      console.log(`| ${name} | ${calls ? 'all' : 'none'} | ${budget / 1000} s | ${p.states} | ${p.tried} | ${p.complete_depth} | ${Math.round(p.states / (r.wall / 1000))} | ${Math.round(r.wall)} |`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
