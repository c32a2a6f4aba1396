// Export: the state diagram and the sequence chart as standalone SVG files (parsed back as XML
// in the page, with the state names and colours in them), a PNG where the page may draw images
// from blob: URLs, the script as .tcps (byte for byte) and the run as .pcap, over IPv4 and IPv6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { expectStates, freshApp, handshakeByClicks, scriptText, useApp } from './helpers.mjs';

const app = useApp();

async function exportFile(page, id) {
  if (!(await page.locator('[data-testid="export"]').evaluate((d) => d.open))) {
    await page.click('[data-testid="export"] summary');
  }
  const download = page.waitForEvent('download');
  await page.click(`[data-export="${id}"]`);
  const d = await download;
  return { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
}

/** Parses an SVG file in the page, as a browser would open it. */
function parseSvg(page, text) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: root.localName,
      ns: root.namespaceURI,
      width: root.getAttribute('width'),
      height: root.getAttribute('height'),
      viewBox: root.getAttribute('viewBox'),
      style: doc.querySelector('style')?.textContent ?? '',
      text: root.textContent,
      // The chart's peer header: each name, and whether it lies inside the picture's top.
      peerNames: [...doc.querySelectorAll('.peer-name')].map((t) => t.textContent),
      headOnTop: (() => {
        const g = doc.querySelector('.chart-head');
        const vb = (root.getAttribute('viewBox') || '').split(/\s+/).map(Number);
        const m = g?.getAttribute('transform')?.match(/translate\(0 (-?[\d.]+)\)/);
        return m ? Number(m[1]) === vb[1] : null;
      })(),
      peerNameRule: /\.peer-name/.test(doc.querySelector('style')?.textContent ?? ''),
    };
  }, text);
}

test('the diagram and the chart export as standalone SVG; PNG, .tcps and .pcap download', async () => {
  const page = await freshApp(app.browser, app.server.url);
  await handshakeByClicks(page);
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED');

  const diagram = await exportFile(page, 'diagram-svg');
  assert.equal(diagram.name, 'synack-diagram.svg');
  const d = await parseSvg(page, diagram.bytes.toString('utf8'));
  assert.equal(d.error, null, 'well-formed XML');
  assert.equal(d.root, 'svg');
  assert.equal(d.ns, 'http://www.w3.org/2000/svg');
  assert.ok(Number(d.width) > 100 && Number(d.height) > 100, `${d.width}x${d.height}`);
  assert.match(d.viewBox, /^[\d.\s-]+$/);
  for (const s of ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RCVD', 'ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK']) {
    assert.ok(d.text.includes(s), `the diagram names ${s}`);
  }
  assert.match(d.style, /--peer-a:\s*#[0-9a-f]{6}/i, 'the peer colours are written out');
  assert.match(d.style, /\.node/, 'the node rules are inlined');

  const chart = await exportFile(page, 'chart-svg');
  const c = await parseSvg(page, chart.bytes.toString('utf8'));
  assert.equal(c.error, null);
  assert.equal(c.root, 'svg');
  assert.match(c.text, /SYN/);
  assert.deepEqual(c.peerNames, ['A', 'B'], 'the chart file carries its A/B header');
  assert.equal(c.headOnTop, true, 'the header sits at the top of the picture\'s viewBox');
  assert.equal(c.peerNameRule, true, 'with the header\'s style (its peer colours)');
  assert.equal(d.peerNames.length, 0, 'the diagram has no such header');

  const png = await exportFile(page, 'diagram-png');
  assert.equal(png.name, 'synack-diagram.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.ok(png.bytes.length > 2000, `${png.bytes.length} bytes`);
  // Opaque, on the page's own background: dark text would vanish on a dark slide otherwise.
  const corner = await page.evaluate(async (b64) => {
    const img = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const c = new OffscreenCanvas(img.width, img.height).getContext('2d');
    c.drawImage(img, 0, 0);
    return [...c.getImageData(1, 1, 1, 1).data];
  }, png.bytes.toString('base64'));
  assert.equal(corner[3], 255, `the PNG's corner is opaque: rgba(${corner})`);

  const tcps = await exportFile(page, 'tcps');
  assert.equal(tcps.name, 'synack.tcps');
  assert.equal(tcps.bytes.toString('utf8'), await scriptText(page), 'the .tcps file is the script');

  const pcap = await exportFile(page, 'pcap');
  assert.equal(pcap.name, 'synack.pcap');
  assert.equal(pcap.bytes.readUInt32LE(0), 0xa1b2c3d4, 'the pcap magic number');
  let records = 0;
  for (let at = 24; at < pcap.bytes.length; at += 16 + pcap.bytes.readUInt32LE(at + 8)) records += 1;
  assert.equal(records, 3, 'one packet per segment of the handshake');
  assert.equal(pcap.bytes[24 + 16] >> 4, 4, 'the first packet is IPv4');

  const v6 = await exportFile(page, 'pcap-v6');
  assert.equal(v6.name, 'synack-ipv6.pcap');
  assert.equal(v6.bytes.readUInt32LE(0), 0xa1b2c3d4, 'the pcap magic number');
  assert.equal(v6.bytes[24 + 16] >> 4, 6, 'the first packet is IPv6');
  // The SYN: 40-byte IPv6 header, then the TCP header; next header 6 (TCP).
  assert.equal(v6.bytes[24 + 16 + 6], 6, 'next header is TCP');
  assert.equal(page.problems.length, 0, page.problems.join('\n'));
  await page.close();
});
