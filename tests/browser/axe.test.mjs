// Accessibility with axe-core (the npm package, injected into the page): the main page with a
// segment's menu, the inspector and a state's explanation open, a lesson, a lesson embedded at
// 700x500, an exercise's predict-the-segment form with its feedback, the explorer (a pick on
// the diagram, and its map), the Linux view and the capture view, each in light and dark and
// in English and Chinese. Any violation of the WCAG 2.x A/AA rules or axe's best practices fails the test; the
// only exclusions would be listed in EXCLUDED with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, appReady, assertNoProblems, clickSeg, expectStates, openPage, peerCall, screenshot,
  useApp,
} from './helpers.mjs';

const app = useApp();
const NAME = 'axe';
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Rules switched off, each with its reason (none today). A rule belongs here only when what it
 * asks for is wrong for this page, never because a fix is hard.
 */
const EXCLUDED = {};

/**
 * Rules switched off for one check only, with the reason. After a click on an arrow the page
 * is scrolled to it, and whichever control then straddles the sticky time bar's lower edge
 * counts as "partially obscured" for target-size, whatever its size: the targets are checked
 * on the page as it opens (and on phones by phone.test.mjs), at rest.
 */
const SCROLLED = { 'target-size': 'the page is scrolled under the sticky time bar; sizes are checked at rest' };

async function axe(page, what, skip = {}) {
  await page.addScriptTag({ path: AXE });
  // Let transitions (node fills, the mover) settle so colours are measured at rest.
  await page.waitForTimeout(500);
  const result = await page.evaluate(async ([excluded, skipped]) => {
    const rules = Object.fromEntries([...excluded, ...skipped].map((id) => [id, { enabled: false }]));
    // label-content-name-mismatch is tagged "experimental" in axe 4, so it has to be asked for.
    rules['label-content-name-mismatch'] = { enabled: true };
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice', 'experimental'] },
      rules,
      resultTypes: ['violations'],
    });
    // A rule skipped for the page still holds for what the click opened: the popover, the
    // inspector and the explanation.
    const opened = ['.popover', '.inspector', '.explain'].filter((sel) => document.querySelector(sel));
    if (skipped.length && opened.length) {
      const o = await window.axe.run({ include: opened.map((sel) => [sel]) }, {
        runOnly: { type: 'rule', values: skipped },
        resultTypes: ['violations'],
      });
      r.violations.push(...o.violations);
    }
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')} :: ${n.failureSummary.split('\n').slice(1, 2).join('').trim()}`),
      count: v.nodes.length,
    }));
  }, [Object.keys(EXCLUDED), Object.keys(skip)]);
  const lines = result.map((v) => `${v.id} (${v.impact}, ${v.count} nodes)\n    ${v.nodes.join('\n    ')}`);
  if (lines.length) assert.fail(`axe-core violations on ${what}:\n${lines.join('\n')}`);
}

const VARIANTS = [
  { scheme: 'light', lang: 'en' },
  { scheme: 'dark', lang: 'en' },
  { scheme: 'light', lang: 'zh' },
  { scheme: 'dark', lang: 'zh' },
];

async function open(variant, hash = '', query = '') {
  const q = [variant.lang === 'zh' ? 'lang=zh' : '', query].filter(Boolean).join('&');
  const page = await openPage(app.browser, `${app.server.url}${q ? `?${q}` : ''}${hash}`, {
    viewport: { width: 1366, height: 768 },
    colorScheme: variant.scheme,
  });
  await appReady(page);
  // The Chinese texts are fetched: check the page once it speaks Chinese.
  if (variant.lang === 'zh') await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
  return page;
}

for (const v of VARIANTS) {
  const tag = `${v.scheme} ${v.lang}`;
  const shot = (page, step) => screenshot(page, `${NAME}-${v.scheme}-${v.lang}-${step}`, { fullPage: false });

  test(`axe, ${tag}: the default page, a segment's menu, the inspector, a state's explanation`, async () => {
    const page = await open(v);
    try {
      await axe(page, `the page as it opens (${tag})`);

      // An in-flight segment: its menu and the inspector.
      await page.click('[data-action="reset"]');
      await expectStates(page, 'CLOSED', 'CLOSED');
      await peerCall(page, 'B', 'listen');
      await peerCall(page, 'A', 'connect');
      await expectStates(page, 'SYN_SENT', 'LISTEN');
      await clickSeg(page, 's1');
      await page.locator('.segment-menu [data-action="deliver"]').waitFor();
      await page.locator('.inspector').waitFor();
      await shot(page, '01-menu-inspector');
      await axe(page, `a segment's menu and the inspector (${tag})`, SCROLLED);

      await page.locator('[data-state-node="LISTEN"]').click();
      await page.locator('.explain').waitFor();
      await shot(page, '02-explanation');
      await axe(page, `a state's explanation (${tag})`, SCROLLED);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });

  test(`axe, ${tag}: lesson 1`, async () => {
    const page = await open(v, '', 'lesson=01-handshake');
    try {
      await page.getByTestId('lesson-panel').waitFor();
      await page.getByTestId('lesson-narration').waitFor();
      await shot(page, '03-lesson');
      await axe(page, `lesson 1 (${tag})`);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });

  test(`axe, ${tag}: an exercise, a predicted segment checked wrong`, async () => {
    const page = await open(v, '', 'exercise=01&seed=4217&step=2');
    try {
      await page.getByTestId('predict-form').waitFor();
      await page.getByTestId('predict-flag-SYN').check();
      await page.getByTestId('predict-seq').fill('1');
      await page.getByTestId('predict-check').click();
      await page.getByTestId('predict-feedback').waitFor();
      await shot(page, '07-exercise');
      await axe(page, `an exercise's predict form with feedback (${tag})`);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });

  test(`axe, ${tag}: the congestion strip and window bars (issue 13)`, async () => {
    const script = readFileSync(join(ROOT, 'scenarios', 'fast-retransmit.tcps'), 'utf8');
    const page = await open(v, `#script=${Buffer.from(script, 'utf8').toString('base64url')}`);
    try {
      await page.getByTestId('cc-toggle').click();
      await page.getByTestId('cc-strip-A').waitFor({ timeout: 20000 });
      await page.getByTestId('cc-panel').scrollIntoViewIfNeeded();
      await shot(page, 'cc-views');
      await axe(page, `the congestion views (${tag})`, SCROLLED);
    } finally {
      await page.close();
    }
  });

  test(`axe, ${tag}: the explorer, picking on the diagram, and its map (issue 14)`, async () => {
    const page = await open(v);
    try {
      await page.locator('[data-testid="explore"] > summary').click();
      await page.getByTestId('explore-panel').waitFor({ timeout: 20000 });
      await page.getByTestId('explore-pick').click();
      await page.getByTestId('explore-pick-bar').waitFor();
      await page.locator('[data-state-node="ESTABLISHED"]').click();
      await page.locator('.diagram-panel.picking-b').waitFor();
      await shot(page, '08-explore-picking');
      await axe(page, `the explorer's pick on the diagram, B's turn (${tag})`, SCROLLED);
      await page.getByTestId('explore-pick-cancel').click();
      await page.getByTestId('explore-map-button').click();
      await page.getByTestId('explore-map').waitFor({ timeout: 20000 });
      await page.getByTestId('explore-map').scrollIntoViewIfNeeded();
      await shot(page, '09-explore-map');
      await axe(page, `the explorer's map (${tag})`, SCROLLED);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });

  test(`axe, ${tag}: the Linux view`, async () => {
    const page = await open(v);
    try {
      await page.locator('[data-testid="linux-toggle"]').check();
      await page.locator('[data-testid="ss-table"]').waitFor();
      await page.locator('[data-testid="linux-notes"]').waitFor();
      await shot(page, '04-linux');
      await axe(page, `the Linux view (${tag})`);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });

  test(`axe, ${tag}: lesson 1 embedded (700x500)`, async () => {
    const q = [v.lang === 'zh' ? 'lang=zh' : '', 'embed=1&lesson=01-handshake&step=1'].filter(Boolean).join('&');
    const page = await openPage(app.browser, `${app.server.url}?${q}`, { viewport: { width: 700, height: 500 }, colorScheme: v.scheme });
    try {
      await appReady(page);
      if (v.lang === 'zh') await page.locator('html[lang^="zh"]').waitFor({ timeout: 10000 });
      await page.getByTestId('lesson-panel').waitFor();
      await shot(page, '06-embed');
      await axe(page, `lesson 1 embedded (${tag})`);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });

  test(`axe, ${tag}: the capture view`, async () => {
    const page = await open(v);
    try {
      await page.locator('[data-testid="capture-open"]').setInputFiles(join(ROOT, 'tests', 'fixtures', 'timed-close.pcap'));
      await page.locator('[data-testid="capture-summary"]').waitFor({ timeout: 20000 });
      await page.locator('.capture-chart [data-packet="3"]').click();
      await page.locator('[data-testid="capture-state-a"]').waitFor();
      await shot(page, '05-capture');
      await axe(page, `the capture view (${tag})`);
      assertNoProblems(page);
    } finally {
      await page.close();
    }
  });
}
