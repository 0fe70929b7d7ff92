#!/usr/bin/env node
// Headless-browser test: hostile names (viewer/test/names_scenario.yaml) are
// shown as text in report.html and in the replay viewer, and inject nothing.
//
//   node test/names.test.mjs --report DIR/report.html --events DIR/events.jsonl --screenshot OUT.png
//
// Run by the Viewer.NamesAreText test through run_browser_test.cmake. The
// expected names come from summary.json, beside the report.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    report: { type: 'string' },
    events: { type: 'string' },
    screenshot: { type: 'string' },
    chromium: { type: 'string', default: process.env.CANOPY_CHROMIUM ?? '/usr/bin/chromium' },
  },
});
if (!args.report) {
  console.error('usage: names.test.mjs --report report.html [--events ...] [--screenshot ...]');
  process.exit(2);
}
const reportPath = resolve(args.report);
const summary = JSON.parse(readFileSync(join(dirname(reportPath), 'summary.json'), 'utf8'));

/** As HTML shows a name: control characters as Unicode control pictures. */
const pictured = (s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g,
  (c) => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser;
let page;
const dialogs = [];
const problems = [];

before(async () => {
  browser = await chromium.launch({ executablePath: args.chromium, args: LAUNCH_ARGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
  await page.waitForFunction(() => window.canopyViewer !== undefined || document.querySelector('#canopy-viewer .cv-error'),
    null, { timeout: 15000 });
  // Let the viewer draw every label and play a little.
  await page.evaluate(() => window.canopyViewer?.setTime(60));
});

after(async () => { await browser?.close(); });

test('nothing runs from a name: no dialog, no injected element, no error', async () => {
  assert.deepEqual(dialogs, []);
  assert.deepEqual(problems, []);
  const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"], [onerror]').length);
  assert.equal(injected, 0);
});

test('the page title and headings show the scenario name as text', async () => {
  // document.title collapses white space (the name's newline) as HTML does.
  const title = await page.title();
  assert.equal(title, `canopy report — ${pictured(summary.scenario)}`.replace(/[\t\n\f\r ]+/g, ' ').trim());
  const header = await page.evaluate(() => document.querySelector('header b')?.textContent ?? null);
  assert.equal(header, pictured(summary.scenario));
});

test('the areas table shows the town name as text', async () => {
  const cells = await page.evaluate(() => [...document.querySelectorAll('td.label')].map((td) => td.textContent));
  assert.ok(cells.includes(pictured(summary.areas[0].name)), `no cell reads ${JSON.stringify(pictured(summary.areas[0].name))}`);
});

test('the replay viewer keeps the names exactly', async () => {
  const data = await page.evaluate(() => ({
    scenario: window.canopyViewer.data.scenario,
    area: window.canopyViewer.data.areas[0].name,
  }));
  assert.equal(data.scenario, summary.scenario);
  assert.equal(data.area, summary.areas[0].name);
});
