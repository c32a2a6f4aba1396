// Share links and embedding: a link copied from one view reopens exactly that view in a fresh
// page; a broken link says what was wrong and shows the default view; the embed example page
// (web/embed-example.html, a teacher's blog post) shows a working lesson in Chinese in its iframe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import {
  appReady, assertNoProblems, eventually, expectStates, freshApp, openPage, screenshot, scriptText,
  segs, states, timeControl, useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'share';

/** Everything a reader sees that a link promises to restore. */
function visibleView(page) {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    states: [...document.querySelectorAll('[data-peer]')].map((p) => `${p.dataset.peer}:${p.dataset.state}`).sort(),
    segs: [...document.querySelectorAll('[data-seg]')].map((g) => `${g.dataset.seg}:${g.dataset.flags}:${g.dataset.status}`).sort(),
    cursor: document.querySelector('.scrubber input[type=range]')?.value,
    max: document.querySelector('.scrubber input[type=range]')?.max,
    absolute: document.querySelector('header.top .toggle input')?.checked,
    linux: document.querySelector('[data-testid="linux-toggle"]')?.checked ?? null,
    chartText: document.querySelector('.chart-svg')?.textContent,
    script: document.querySelector('textarea.script')?.value,
  }));
}

async function share(page, testid) {
  await page.click(`[data-testid="${testid}"]`);
  const status = page.locator('[data-testid="share-status"]');
  await eventually(async () => (await status.innerText()).length > 0, true, 'the share status appears');
  return page.locator('[data-testid="share-field"]').inputValue();
}

test('a shared link reopens the same script, moment, options and language', async () => {
  const context = await app.browser.newContext({ viewport: { width: 1100, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await freshApp(context, app.server.url);
  // B delays its ACK of the data (RFC 9293 §3.8.6.3): s5 leaves 200 ms after s4 arrives.
  const script = 'B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\ndeliver s4\nwait 200ms\ndeliver s5\nA close\n';
  await page.locator('textarea.script').fill(script);
  await page.click('[data-action="run"]');
  await expectStates(page, 'FIN_WAIT_1', 'ESTABLISHED');
  await timeControl(page, 'back');
  await timeControl(page, 'back');
  await page.locator('header.top .toggle input').first().check();
  const linux = page.locator('[data-testid="linux-toggle"]');
  if (await linux.count()) await linux.check();
  await page.click('[data-testid="lang-toggle"]');
  await eventually(() => page.evaluate(() => document.documentElement.lang), 'zh-Hans', 'the page is in Chinese');
  const before = await visibleView(page);
  assert.notEqual(before.cursor, before.max, 'the view is in the past');
  assert.equal(before.absolute, true);

  const link = await share(page, 'share');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?lang=zh&at=\d+&abs=1(&linux=1)?#z=[A-Za-z0-9_-]+$/, link);
  assert.equal(link.includes('&linux=1'), before.linux === true, 'the Linux view is in the link when it is on');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the link is on the clipboard');
  console.log(`# share link for a ${script.length}-byte script: ${link.length} characters`);
  await screenshot(page, `${NAME}-01-shared`);

  const fresh = await openPage(context, link);
  await appReady(fresh);
  const after = await eventually(() => visibleView(fresh), before, 'the fresh page shows the same view');
  assert.equal(after.script, script);
  await screenshot(fresh, `${NAME}-02-reopened`);
  assertNoProblems(page);
  assertNoProblems(fresh);
  await context.close();
});

test('without the clipboard the link stays in a field to copy by hand', async () => {
  const page = await freshApp(app.browser, app.server.url);
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  const code = await share(page, 'copy-embed');
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?lang=en&amp;embed=1" title="[^"]+" width="\d+" height="\d+" loading="lazy"[^>]*><\/iframe>$/, code);
  const status = await page.locator('[data-testid="share-status"]').innerText();
  assert.match(status, /refused/i, status);
  assert.ok(await page.locator('[data-testid="share-field"]').isVisible());
  assertNoProblems(page);
  await page.close();
});

test('a malformed link says what was wrong, keeps the script text, and shows the default view', async () => {
  // A script that does not parse, deflated like the app does, plus a bad number and language.
  const broken = 'B listen\nA conect\n';
  const z = deflateRawSync(Buffer.from(broken)).toString('base64url');
  const page = await openPage(app.browser, `${app.server.url}?lang=xx&at=abc#z=${z}`);
  await appReady(page);
  const alert = page.locator('.notice[role="alert"]');
  await eventually(async () => (await alert.count()) > 0 && /line 2/.test(await alert.first().innerText()), true, 'the notice names the script error');
  const text = await alert.first().innerText();
  assert.match(text, /"at"/, `the bad number is named: ${text}`);
  assert.match(text, /"xx"/, `the bad language is named: ${text}`);
  assert.equal(await scriptText(page), broken, 'the broken script is kept in the editor');
  await expectStates(page, 'ESTABLISHED', 'ESTABLISHED', 'the default scenario is shown');
  await screenshot(page, `${NAME}-03-malformed`);
  await page.close();

  // Bytes that are not deflate at all.
  const bad = await openPage(app.browser, `${app.server.url}#z=AAAAAAAA`);
  await appReady(bad);
  const notice = bad.locator('.notice[role="alert"]');
  await notice.first().waitFor();
  const said = await notice.first().innerText();
  assert.match(said, /could not be unpacked/i);
  assert.doesNotMatch(said, /failed to fetch/i, 'the browser\'s own message says nothing to a reader');
  await expectStates(bad, 'ESTABLISHED', 'ESTABLISHED');
  assert.ok((await segs(bad)).length > 0, 'the default run is drawn');
  await bad.close();
});

test('the embed example page shows a lesson in Chinese in its iframe', async () => {
  const page = await openPage(app.browser, `${app.server.url}embed-example.html`);
  const frame = page.frameLocator('iframe');
  await frame.locator('[data-state-node="CLOSED"]').waitFor({ timeout: 20000 });
  await frame.locator('[data-testid="lesson-panel"]').waitFor();
  const inner = page.frames().find((f) => f !== page.mainFrame());
  await eventually(() => inner.evaluate(() => document.documentElement.lang), 'zh-Hans', 'the iframe is in Chinese');
  const narration = await frame.locator('[data-testid="lesson-narration"]').innerText();
  assert.match(narration, /[\u4e00-\u9fff]/, `the narration is Chinese: ${narration}`);
  assert.equal(await frame.locator('textarea.script').count(), 0, 'no script editor in embed mode');
  assert.equal(await frame.locator('.inject').count(), 0, 'no inject form in embed mode');
  assert.equal(await frame.locator('[data-testid="share"]').count(), 0);
  const open = frame.locator('[data-testid="open-full"]');
  await eventually(async () => /lesson=01-handshake/.test((await open.getAttribute('href')) ?? ''), true, 'open-in-synack links to the lesson');
  const href = await open.getAttribute('href');
  assert.match(href, /lang=zh/);
  assert.doesNotMatch(href, /embed=1/, 'the full view, not the embed');

  // The lesson works inside the frame: the next step moves the peers on.
  const first = await inner.evaluate(() => document.querySelector('[data-testid="lesson-step"]')?.textContent);
  const next = frame.locator('[data-testid="lesson-next"]');
  if (await next.isEnabled()) {
    await next.click();
    await eventually(async () => (await inner.evaluate(() => document.querySelector('[data-testid="lesson-step"]')?.textContent)) !== first, true, 'the lesson moved on');
  }
  await screenshot(page, `${NAME}-04-embed-example`);
  assertNoProblems(page);
  await page.close();
});

test('a link to a lesson step names the lesson and step, not the script, and reopens there', async () => {
  const page = await freshApp(app.browser, app.server.url);
  await page.click('[data-testid="lesson-picker"] summary');
  await page.click('[data-testid="lesson-item-01-handshake"]');
  await page.locator('[data-testid="lesson-panel"]').waitFor();
  await page.click('[data-testid="lesson-next"]');
  await page.click('[data-testid="lesson-next"]');
  const lessonView = () => page.evaluate(() => ({
    step: document.querySelector('[data-testid="lesson-step"]')?.textContent,
    narration: document.querySelector('[data-testid="lesson-narration"]')?.textContent,
  }));
  const before = { ...(await lessonView()), view: await visibleView(page) };
  const link = await share(page, 'share');
  assert.match(link, /\?lang=en&lesson=01-handshake&step=\d+(&at=\d+)?$/, `no #z= for the lesson's own run: ${link}`);

  const fresh = await openPage(app.browser, link);
  await appReady(fresh);
  await fresh.locator('[data-testid="lesson-panel"]').waitFor();
  await eventually(async () => ({
    step: await fresh.evaluate(() => document.querySelector('[data-testid="lesson-step"]')?.textContent),
    narration: await fresh.evaluate(() => document.querySelector('[data-testid="lesson-narration"]')?.textContent),
    view: await visibleView(fresh),
  }), before, 'the same lesson page');
  assertNoProblems(fresh);
  await fresh.close();
  await page.close();
});
