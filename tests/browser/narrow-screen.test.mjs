// Layout from a 360 px phone to a 1920 px projector: at 360x800 the panels stack and nothing
// overflows horizontally; both sizes are screenshotted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appReady, assertNoProblems, expectStates, openPage, peerCall, screenshot, screenshotOf, timeControl,
  useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'narrow-screen';

/** Elements whose right edge passes the viewport's, for the failure message. */
function overflowing(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 1) {
        const parentOut = el.parentElement && el.parentElement.getBoundingClientRect().right > w + 1;
        if (!parentOut) out.push(`${el.tagName.toLowerCase()}${el.className?.baseVal ?? el.className ? `.${String(el.className?.baseVal ?? el.className).split(' ').join('.')}` : ''} right=${Math.round(r.right)}`);
      }
    }
    return out.slice(0, 10);
  });
}

test('at 360x800 nothing overflows horizontally and the panels stack', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 360, height: 800 } });
  await appReady(page);
  // A plain visit opens before the handshake, with the first steps (which must fit too).
  await expectStates(page, 'CLOSED', 'CLOSED');
  await page.getByTestId('coach').waitFor();
  await screenshot(page, `${NAME}-01-360-default`);

  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
  }));
  assert.ok(widths.scroll <= 361,
    `document.documentElement.scrollWidth is ${widths.scroll} at a 360 px viewport; overflowing: ${(await overflowing(page)).join(', ')}`);

  // Stacked: the peer panels, chart and diagram are each about as wide as the page.
  const boxes = await page.evaluate(() => Object.fromEntries(
    ['[data-peer="A"]', '[data-peer="B"]', '.chart-panel', '.diagram-panel', '[data-testid="inject-box"]', '.script-panel'].map((sel) => {
      const r = document.querySelector(sel)?.getBoundingClientRect();
      return [sel, r && { left: Math.round(r.left), right: Math.round(r.right), top: Math.round(r.top) }];
    }),
  ));
  for (const [sel, r] of Object.entries(boxes)) {
    assert.ok(r, `${sel} is on the page`);
    assert.ok(r.left >= 0 && r.right <= 361, `${sel} fits the width: ${JSON.stringify(r)}`);
  }

  // Still usable by touch-sized clicks at this width.
  await timeControl(page, 'reset');
  await peerCall(page, 'B', 'listen');
  await peerCall(page, 'A', 'connect');
  await expectStates(page, 'SYN_SENT', 'LISTEN');
  const after = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(after <= 361, `after a connect, scrollWidth is ${after}`);
  await screenshot(page, `${NAME}-02-360-connect`);
  assertNoProblems(page);
  await page.close();
});

test('at 360x800 the diagram\'s legend can be read', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 360, height: 800 } });
  await appReady(page);
  // Each legend entry's words must be on screen, not pushed past the panel's edge.
  const entries = await page.locator('.diagram .legend li').evaluateAll((lis) => lis.map((li) => {
    const range = document.createRange();
    range.selectNodeContents(li);
    const text = [...range.getClientRects()].filter((r) => r.width > 0).at(-1);
    const sample = li.querySelector('svg')?.getBoundingClientRect();
    return {
      text: li.textContent.trim(),
      textRight: Math.round(text?.right ?? 0),
      sampleWidth: Math.round(sample?.width ?? 0),
    };
  }));
  await screenshotOf(page.locator('.diagram-panel'), `${NAME}-05-360-diagram`);
  assert.equal(entries.length, 3, 'three kinds of edge in the legend');
  const hidden = entries.filter((e) => e.textRight > 360);
  assert.deepEqual(hidden, [],
    'legend text past the right edge of a 360 px screen (sampleWidth is the width of the line sample before it)');
  assertNoProblems(page);
  await page.close();
});

test('at 1920x1080 the default page renders without overflow', async () => {
  const page = await openPage(app.browser, app.server.url, { viewport: { width: 1920, height: 1080 } });
  await appReady(page);
  await expectStates(page, 'CLOSED', 'CLOSED');
  await page.getByTestId('coach').waitFor();
  await screenshot(page, `${NAME}-03-1920-default`, { fullPage: false });
  await screenshot(page, `${NAME}-04-1920-full`);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= 1921, `scrollWidth ${scroll} at 1920; overflowing: ${(await overflowing(page)).join(', ')}`);
  assertNoProblems(page);
  await page.close();
});
