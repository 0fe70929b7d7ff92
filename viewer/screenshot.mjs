#!/usr/bin/env node
// Screenshot of a report's replay viewer at a chosen time, for the docs.
//
//   node viewer/screenshot.mjs REPORT.html OUT.png [TIME_S]
//
// Drives Debian's /usr/bin/chromium (or CANOPY_CHROMIUM) via playwright-core.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [report, out, time = '150'] = process.argv.slice(2);
if (!report || !out || !Number.isFinite(Number(time))) {
  console.error('usage: node viewer/screenshot.mjs REPORT.html OUT.png [TIME_S]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CANOPY_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  headless: true,
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(pathToFileURL(resolve(report)).href);
  await page.waitForFunction(() => window.canopyViewer !== undefined, null, { timeout: 15000 });
  await page.evaluate((t) => window.canopyViewer.setTime(t), Number(time));
  await page.locator('#canopy-viewer').screenshot({ path: out });
} finally {
  await browser.close();
}
