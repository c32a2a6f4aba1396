// Capture import (the troubleshooting mode): a pcap chosen through the "Open capture…" file
// input is read by the capture worker; the connection list, the inferred states of both ends
// as the user scrubs, a corrupt file's message, and the inspector's hex view.
// Fixtures: tests/fixtures/timed-close.pcap (from timed-close.tcps) and crash-half-open.pcap
// (from scenarios/crash-half-open.tcps), both written by `synack pcap`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, appReady, base64url, assertNoProblems, clickSeg, eventually, openPage, screenshot, useApp,
} from './helpers.mjs';

const app = useApp();
const fixture = (name) => join(ROOT, 'tests', 'fixtures', name);

async function openCapture(page, file) {
  await page.locator('[data-testid="capture-open"]').setInputFiles(file);
}

const stateOf = (page, side) => page.locator(`[data-testid="capture-state-${side}"]`).getAttribute('data-state');
const uncertainOf = (page, side) => page.locator(`[data-testid="capture-state-${side}"]`).getAttribute('data-uncertain');

test('a capture lists its connection and both ends follow the inferred states while scrubbing', async () => {
  const page = await openPage(app.browser, app.server.url);
  await appReady(page);
  await openCapture(page, fixture('timed-close.pcap'));
  const summary = page.locator('[data-testid="capture-summary"]');
  await summary.waitFor({ timeout: 20000 });
  assert.match(await summary.innerText(), /Frames: 9 · TCP packets: 9 · connections: 1/);

  const row = page.locator('tr', { has: page.locator('[data-testid="capture-conn-1"]') });
  const text = await row.innerText();
  assert.match(text, /192\.0\.2\.1:49152 → 198\.51\.100\.7:80/);
  assert.match(text, /\b9\b/);
  assert.match(text, /three-way handshake/);
  assert.match(text, /FIN both ways/);
  assert.match(text, /nothing/, 'a clean close has nothing flagged');

  // A lone connection is chosen at once and shown at its last packet.
  await eventually(() => stateOf(page, 'a'), 'TIME_WAIT', 'A after the last packet');
  assert.equal(await stateOf(page, 'b'), 'CLOSED');
  assert.equal(await uncertainOf(page, 'b'), 'true', 'B\'s close rests on an ACK the capture cannot confirm arrived');
  assert.equal(await uncertainOf(page, 'a'), 'false');
  // The diagram follows: A's state node is highlighted.
  assert.equal(await page.locator('.capture [data-state-node="TIME_WAIT"]').count(), 1);

  // Scrub back to the third packet (the handshake's ACK).
  const scrub = page.locator('[data-testid="capture-scrub"]');
  await scrub.fill('3');
  await eventually(() => stateOf(page, 'a'), 'ESTABLISHED', 'A after the handshake');
  assert.equal(await stateOf(page, 'b'), 'ESTABLISHED');
  // Real times: the third packet was captured 40 ms after the first.
  assert.match(await page.locator('.capture .scrub').innerText(), /Packet 3 of 9 0\.040000 s/);
  await scrub.fill('1');
  await eventually(() => stateOf(page, 'a'), 'SYN_SENT', 'A after its SYN');
  assert.equal(await stateOf(page, 'b'), 'SYN_RCVD');
  // Clicking an arrow of the chart moves the cursor past that packet.
  await page.locator('.capture-chart [data-packet="6"]').click();
  await eventually(() => stateOf(page, 'b'), 'CLOSE_WAIT', 'B after A\'s FIN');
  assert.equal(await stateOf(page, 'a'), 'FIN_WAIT_1');
  await screenshot(page, 'capture-timed-close');

  // Back to the simulator, and to the capture again.
  await page.click('[data-testid="capture-back"]');
  await page.locator('[data-testid="capture-summary"]').waitFor({ state: 'detached' });
  await page.click('button:has-text("Show the capture")');
  await summary.waitFor();
  assertNoProblems(page);
  await page.close();
});

test('a reset connection is flagged and a half-open peer resets', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 360, height: 740 } });
  await appReady(page);
  await openCapture(page, fixture('crash-half-open.pcap'));
  const row = page.locator('tr', { has: page.locator('[data-testid="capture-conn-1"]') });
  await row.waitFor({ timeout: 20000 });
  const text = await row.innerText();
  assert.match(text, /reset by B/);
  assert.match(text, /1 RST/);
  await eventually(() => stateOf(page, 'b'), 'CLOSED', 'B after its RST');
  // Real times: A's new SYN came a minute after the first packet.
  assert.match(await page.locator('.capture .scrub').innerText(), /\b6\d\.\d{6} s/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 370, `the capture view fits a 360 px screen (scroll width ${width})`);
  await screenshot(page, 'capture-half-open-360');
  assertNoProblems(page);
  await page.close();
});

test('a file that is not a capture shows why, and the page keeps working', async () => {
  const page = await openPage(app.browser, app.server.url);
  await appReady(page);
  await openCapture(page, { name: 'notes.pcap', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a pcap file at all') });
  const error = page.locator('[data-testid="capture-error"]');
  await error.waitFor({ timeout: 20000 });
  assert.match(await error.innerText(), /not a capture/);
  // A pcap cut off in its second record: read what is there, say where it stopped.
  const { readFile } = await import('node:fs/promises');
  const whole = await readFile(fixture('timed-close.pcap'));
  await openCapture(page, { name: 'cut.pcap', mimeType: 'application/octet-stream', buffer: whole.subarray(0, 24 + 16 + 44 + 10) });
  const summary = page.locator('[data-testid="capture-summary"]');
  await summary.waitFor({ timeout: 20000 });
  assert.match(await summary.innerText(), /Frames: 1 · TCP packets: 1 ·/);
  assert.match(await summary.innerText(), /Reading stopped before the end of the file/);
  await page.click('[data-testid="capture-back"]');
  await page.locator('[data-state-node="CLOSED"]').waitFor();
  assert.doesNotMatch(await page.locator('body').innerText(), /panicked/);
  assertNoProblems(page);
  await page.close();
});

test('a capture dropped anywhere on the page is opened', async () => {
  const page = await openPage(app.browser, app.server.url);
  await appReady(page);
  const { readFile } = await import('node:fs/promises');
  const bytes = [...await readFile(fixture('timed-close.pcap'))];
  // Drop on the state diagram, far from the drop bar.
  await page.evaluate((bytes) => {
    const target = document.querySelector('[data-state-node="CLOSED"]');
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], 'dropped.pcap'));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, bytes);
  await page.locator('[data-testid="capture-summary"]').waitFor({ timeout: 20000 });
  assert.match(await page.locator('.capture-head').innerText(), /dropped\.pcap/);
  await eventually(() => stateOf(page, 'a'), 'TIME_WAIT', 'the dropped capture\'s A');
  assertNoProblems(page);
  await page.close();
});

test('the inspector\'s hex view highlights a field\'s bytes, and a byte selects its field', async () => {
  // The handshake scenario (by link: a plain visit opens before the handshake).
  const handshake = readFileSync(join(ROOT, 'scenarios', 'handshake.tcps'), 'utf8');
  const page = await openPage(app.browser, `${app.server.url}#script=${base64url(handshake)}`);
  await appReady(page);
  // The scenario's s1 is A's SYN: 20 bytes of IPv4, 20 of TCP, 4 of MSS option.
  await clickSeg(page, 's1');
  const hex = page.locator('[data-testid="hex-view"]');
  await hex.waitFor();
  assert.equal(await hex.locator('.hex-byte').count(), 44);
  // A field row of the inspector selects the field: the sequence number's four bytes.
  await page.locator('.inspector tr.pick', { hasText: /^Seq/ }).click();
  const selected = () => hex.locator('.hex-byte.selected').evaluateAll((els) => els.map((e) => `${e.dataset.field}:${e.textContent}`));
  const seq = await selected();
  assert.equal(seq.length, 4, `${seq}`);
  assert.ok(seq.every((s) => s.startsWith('Sequence Number:')), `${seq}`);
  // ISN 100 = 00 00 00 64.
  assert.deepEqual(seq.map((s) => s.split(':')[1]), ['00', '00', '00', '64']);
  // Clicking a byte selects its field: bytes 22-23 are the TCP destination port.
  await hex.locator('.hex-byte').nth(22).click();
  const port = await selected();
  assert.deepEqual(port, ['Destination Port:00', 'Destination Port:50'], 'port 80 = 00 50');
  assert.match(await hex.locator('.hex-caption').innerText(), /Destination Port \(22–23\)/);
  await screenshot(page, 'capture-hex-view');
  assertNoProblems(page);
  await page.close();
});
