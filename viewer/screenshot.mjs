#!/usr/bin/env node
// Screenshot of a report's replay viewer at a chosen time, for the docs.
//
//   node viewer/screenshot.mjs REPORT.html OUT.png [TIME_S] [--rocket ID] [--width PX] [--page]
//
// TIME_S: the replay time (default 150, clamped to the run). --rocket ID
// selects that rocket (its timeline and altitude–range profile show);
// --width sets the browser's width (default 1200 px); --page shoots the
// whole page instead of the viewer alone. Drives Debian's /usr/bin/chromium
// (or CANOPY_CHROMIUM) via playwright-core; downloads nothing.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const usage = 'usage: node viewer/screenshot.mjs REPORT.html OUT.png [TIME_S] [--rocket ID] [--width PX] [--page]';
let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      rocket: { type: 'string' },
      width: { type: 'string', default: '1200' },
      page: { type: 'boolean', default: false },
    },
  });
} catch (e) {
  console.error(`${e.message}\n${usage}`);
  process.exit(2);
}
const [report, out, time = '150'] = parsed.positionals;
const { rocket, width, page: wholePage } = parsed.values;
if (!report || !out || !Number.isFinite(Number(time)) || !(Number(width) >= 320) ||
    (rocket !== undefined && !Number.isInteger(Number(rocket)))) {
  console.error(usage);
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CANOPY_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  headless: true,
});
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  await page.goto(pathToFileURL(resolve(report)).href);
  await page.waitForFunction(() => window.canopyViewer !== undefined || document.querySelector('#canopy-viewer .cv-error'),
    null, { timeout: 15000 });
  const error = await page.evaluate(() => document.querySelector('#canopy-viewer .cv-error')?.textContent ?? null);
  if (error !== null) throw new Error(`the viewer shows an error: ${error}`);
  await page.evaluate((t) => window.canopyViewer.setTime(t), Number(time));
  if (rocket !== undefined) {
    const found = await page.evaluate((id) => {
      const el = document.querySelector(`#canopy-viewer [data-rocket="${id}"]`);
      el?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      return el !== null;
    }, rocket);
    if (!found) throw new Error(`no rocket ${rocket} in this replay`);
    await page.evaluate((t) => window.canopyViewer.setTime(t), Number(time));
  }
  if (wholePage) await page.screenshot({ path: out, fullPage: true });
  else await page.locator('#canopy-viewer').screenshot({ path: out });
  console.log(`wrote ${out}`);
} catch (e) {
  console.error(`screenshot.mjs: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
