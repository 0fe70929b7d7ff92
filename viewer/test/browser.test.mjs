#!/usr/bin/env node
// Headless-browser test of the replay viewer inside a real report.html.
//
//   node test/browser.test.mjs --report DIR/report.html --events DIR/events.jsonl --screenshot OUT.png
//
// (or env CANOPY_REPORT, CANOPY_EVENTS, CANOPY_SCREENSHOT). Drives Debian's
// /usr/bin/chromium through playwright-core; never downloads a browser.
// Expected alert intervals are computed here, independently, from
// events.jsonl rather than from the replay JSON the viewer draws.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    report: { type: 'string', default: process.env.CANOPY_REPORT },
    events: { type: 'string', default: process.env.CANOPY_EVENTS },
    screenshot: { type: 'string', default: process.env.CANOPY_SCREENSHOT },
    chromium: { type: 'string', default: process.env.CANOPY_CHROMIUM ?? '/usr/bin/chromium' },
  },
});
if (!args.report || !args.events || !args.screenshot) {
  console.error('usage: browser.test.mjs --report report.html --events events.jsonl --screenshot out.png');
  process.exit(2);
}
const reportPath = resolve(args.report);
const events = readFileSync(resolve(args.events), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** Per-zone alert intervals from alert_on / alert_off (docs/outputs.md). */
function expectedAlerts(evs, simTime) {
  const holders = new Map();
  const since = new Map();
  const out = new Map();
  const push = (zone, on, off) => {
    if (!out.has(zone)) out.set(zone, []);
    out.get(zone).push({ on, off });
  };
  for (const e of evs) {
    if (e.type !== 'alert_on' && e.type !== 'alert_off') continue;
    if (!holders.has(e.zone)) holders.set(e.zone, new Set());
    const h = holders.get(e.zone);
    if (e.type === 'alert_on') {
      if (h.size === 0) since.set(e.zone, e.t);
      h.add(e.track);
    } else if (h.delete(e.track) && h.size === 0) {
      push(e.zone, since.get(e.zone), e.t);
    }
  }
  for (const [zone, h] of holders) if (h.size > 0) push(zone, since.get(zone), simTime);
  return out;
}

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser;
let page;
const problems = []; // console errors/warnings and page errors

/** Loads a page, recording console errors/warnings and uncaught errors. */
async function open(url, sink) {
  const p = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  p.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') sink.push(`console.${m.type()}: ${m.text()}`);
  });
  p.on('pageerror', (e) => sink.push(`pageerror: ${e.message}`));
  p.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) sink.push(`network request: ${r.url()}`);
  });
  await p.goto(url, { waitUntil: 'load' });
  return p;
}

// In-page helpers (run in the browser).
const setTime = (t) => page.evaluate((x) => window.canopyViewer.setTime(x), t);
const shown = (sel) => page.evaluate((s) => {
  const el = document.querySelector(s);
  if (!el) throw new Error(`no element ${s}`);
  for (let e = el; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden') return false;
  }
  return true;
}, sel);
const center = (sel) => page.evaluate((s) => {
  const r = document.querySelector(s).getBoundingClientRect();
  return [r.x + r.width / 2, r.y + r.height / 2];
}, sel);
const isLit = (zone) => page.evaluate((z) => document.querySelector(`[data-zone="${CSS.escape(z)}"]`).classList.contains('cv-lit'), zone);

before(async () => {
  browser = await chromium.launch({ executablePath: args.chromium, args: LAUNCH_ARGS, headless: true });
  page = await open(pathToFileURL(reportPath).href, problems);
  await page.waitForFunction(() => window.canopyViewer !== undefined || document.querySelector('#canopy-viewer .cv-error'),
    null, { timeout: 15000 });
});

after(async () => {
  await browser?.close();
});

test('page loads from file:// without errors', async () => {
  const err = await page.evaluate(() => document.querySelector('#canopy-viewer .cv-error')?.textContent ?? null);
  assert.equal(err, null, `viewer shows an error: ${err}`);
  const api = await page.evaluate(() => typeof window.canopyViewer?.setTime === 'function' &&
    typeof window.canopyViewer?.time === 'function' && typeof window.canopyViewer?.data === 'object');
  assert.ok(api, 'window.canopyViewer exposes setTime, time and data');
  for (const id of ['cv-time', 'cv-play', 'cv-speed', 'cv-clock']) {
    assert.ok(await page.$(`#canopy-viewer #${id}`), `#${id} exists inside the container`);
  }
  const n = await page.evaluate(() => ({
    zones: document.querySelectorAll('#canopy-viewer [data-zone]').length,
    rockets: document.querySelectorAll('#canopy-viewer [data-rocket]').length,
    dataRockets: window.canopyViewer.data.rockets.length,
    dataZones: window.canopyViewer.data.zones.length,
  }));
  assert.equal(n.zones, n.dataZones, 'one element per zone');
  assert.equal(n.rockets, n.dataRockets, 'one marker per rocket');
  assert.ok(n.rockets > 0, 'the run has rockets');
  assert.deepEqual(problems, []);
});

test('slider and setTime move entities; markers follow launch and end', async () => {
  const data = await page.evaluate(() => window.canopyViewer.data);
  const sim = data.sim_time_s;
  const r = data.rockets.find((x) => x.trail.length >= 4 && x.t_launch >= 0.5 && x.t_end + 0.5 <= sim);
  assert.ok(r, 'a rocket with a trail that launches and ends inside the run');
  const sel = `[data-rocket="${r.id}"]`;
  const dur = r.t_end - r.t_launch;

  await setTime(r.t_launch - 0.5);
  assert.equal(await shown(sel), false, 'hidden before launch');
  await setTime(r.t_launch + 0.3 * dur);
  assert.equal(await shown(sel), true, 'shown in flight');
  const p1 = await center(sel);
  await setTime(r.t_launch + 0.6 * dur);
  const p2 = await center(sel);
  assert.ok(Math.hypot(p2[0] - p1[0], p2[1] - p1[1]) > 2, `marker moves: ${p1} → ${p2}`);
  await setTime(r.t_end + 0.5);
  assert.equal(await shown(sel), false, 'hidden after its end');

  // The slider: set its value and dispatch `input`.
  const tSlider = Math.round((r.t_launch + 0.45 * dur) * 10) / 10;
  await page.$eval('#cv-time', (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, tSlider);
  assert.ok(Math.abs((await page.evaluate(() => window.canopyViewer.time())) - tSlider) < 1e-6, 'slider sets the time');
  assert.equal(await shown(sel), true, 'shown at the slider time');
  const p3 = await center(sel);
  assert.ok(p3[0] !== p1[0] || p3[1] !== p1[1], 'slider moved the marker');
  assert.match(await page.textContent('#cv-clock'), new RegExp(tSlider.toFixed(1).replace('.', '\\.')));

  // Interceptors: shown only between firing and their end.
  const it = data.interceptors.find((x) => x.t_end - x.t_fire > 1);
  if (it) {
    const isel = `[data-interceptor="${it.id}"]`;
    await setTime(Math.max(0, it.t_fire - 0.5));
    assert.equal(await shown(isel), false, 'interceptor hidden before firing');
    await setTime((it.t_fire + it.t_end) / 2);
    assert.equal(await shown(isel), true, 'interceptor shown in flight');
  }
});

test('play advances time at the chosen speed; pause stops it', async () => {
  await setTime(0);
  await page.selectOption('#cv-speed', '10');
  await page.click('#cv-play');
  await page.waitForTimeout(700);
  await page.click('#cv-play');
  const t1 = await page.evaluate(() => window.canopyViewer.time());
  assert.ok(t1 > 1, `time advanced while playing (t = ${t1})`);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.canopyViewer.time()), t1, 'paused');
});

test('alert zones light exactly while alerted (from events.jsonl)', async () => {
  const data = await page.evaluate(() => window.canopyViewer.data);
  const sim = data.sim_time_s;
  const expected = expectedAlerts(events, sim);
  const covered = (iv, t) => iv.some((x) => x.on <= t && t < x.off);
  assert.ok(expected.size > 0, 'the run raises at least one alert');
  let checks = 0;
  for (const [zone, iv] of expected) {
    for (const [i, x] of iv.entries()) {
      const mid = (x.on + x.off) / 2;
      await setTime(mid);
      assert.equal(await isLit(zone), true, `zone ${zone} lit at ${mid.toFixed(2)} s (interval ${i}: ${x.on}–${x.off})`);
      checks++;
      const before = x.on - 1;
      if (before >= 0 && !covered(iv, before)) {
        await setTime(before);
        assert.equal(await isLit(zone), false, `zone ${zone} not lit at ${before.toFixed(2)} s, 1 s before interval ${i}`);
        checks++;
      }
    }
  }
  const quiet = data.zones.map((z) => z.id).filter((id) => !expected.has(id));
  for (const zone of quiet) {
    for (const f of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
      await setTime(f * sim);
      assert.equal(await isLit(zone), false, `never-alerted zone ${zone} not lit at ${(f * sim).toFixed(1)} s`);
      checks++;
    }
  }
  console.log(`# alerts: ${expected.size} alerted zone(s), ${quiet.length} never alerted, ${checks} checks`);
});

test('clicking a rocket shows its timeline', async () => {
  const data = await page.evaluate(() => window.canopyViewer.data);
  // A rocket whose marker is the topmost element at its centre mid-flight.
  let chosen = null;
  for (const r of data.rockets) {
    const t = (r.t_launch + r.t_end) / 2;
    await setTime(t);
    const sel = `[data-rocket="${r.id}"]`;
    if (!(await shown(sel))) continue;
    const [x, y] = await center(sel);
    const hit = await page.evaluate(([px, py, s]) => !!document.elementFromPoint(px, py)?.closest(s), [x, y, sel]);
    if (hit) {
      chosen = r;
      break;
    }
  }
  assert.ok(chosen, 'a clickable rocket marker');
  assert.equal(await shown('#cv-timeline'), false, 'no timeline before a click');
  await page.click(`[data-rocket="${chosen.id}"]`);
  assert.equal(await shown('#cv-timeline'), true, 'timeline shown after the click');
  const text = await page.textContent('#cv-timeline');
  assert.match(text, new RegExp(`Rocket ${chosen.id}\\b`));
  assert.match(text, /Launch/);
  assert.equal(await page.getAttribute('#cv-timeline', 'data-selected'), String(chosen.id));
  assert.ok(await page.evaluate((id) => document.querySelector(`[data-rocket="${id}"]`).classList.contains('cv-sel'), chosen.id),
    'the rocket is highlighted');
});

test('frames are cheap: setTime across the run', async () => {
  const ms = await page.evaluate(() => {
    const v = window.canopyViewer;
    const end = v.data.sim_time_s;
    const n = 300;
    const t0 = performance.now();
    for (let i = 0; i <= n; ++i) v.setTime((end * i) / n);
    return (performance.now() - t0) / (n + 1);
  });
  console.log(`# setTime: ${ms.toFixed(3)} ms per call`);
  assert.ok(ms < 16, `setTime takes ${ms.toFixed(2)} ms`);
});

test('full-page screenshot', async () => {
  // A busy moment: the most rockets in flight, with the first rocket selected.
  const data = await page.evaluate(() => window.canopyViewer.data);
  let best = 0;
  let bestN = -1;
  for (let t = 0; t <= data.sim_time_s; t += 1) {
    const n = data.rockets.filter((r) => r.t_launch <= t && t < r.t_end).length +
      data.predictions.filter((p) => p.t <= t && t < p.t_impact && t - p.t < 1).length / 10;
    if (n > bestN) {
      bestN = n;
      best = t;
    }
  }
  await setTime(best);
  // Select a rocket in flight that has a live impact prediction, if any.
  const pick = data.rockets.find((r) => r.t_launch <= best && best < r.t_end &&
    data.predictions.some((p) => p.rocket === r.id && p.t <= best && best < p.t_impact)) ??
    data.rockets.find((r) => r.t_launch <= best && best < r.t_end);
  if (pick) {
    await page.$eval(`[data-rocket="${pick.id}"]`, (el) => el.dispatchEvent(new MouseEvent('click', { bubbles: true })));
    assert.equal(await page.getAttribute('#cv-timeline', 'data-selected'), String(pick.id));
  }
  await page.screenshot({ path: resolve(args.screenshot), fullPage: true });
  console.log(`# screenshot at t = ${best} s: ${resolve(args.screenshot)}`);
  assert.deepEqual(problems, [], 'no console errors or page errors during the test');
});

test('bad or missing replay data shows an error in the container', async () => {
  const html = readFileSync(reportPath, 'utf8');
  const dataRe = /(<script type="application\/json" id="canopy-replay">)[\s\S]*?(<\/script>)/;
  assert.match(html, dataRe, 'the report embeds the replay JSON');
  const cases = [
    ['malformed JSON', html.replace(dataRe, '$1{"version": 1, "rockets": [$2'), /not valid JSON/],
    ['wrong shape', html.replace(dataRe, '$1{"version": 1, "sim_time_s": 10, "rockets": [{"id": "x"}]}$2'), /rockets\[0\]/],
    ['no data element', html.replace(dataRe, ''), /no replay data/],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'canopy-viewer-'));
  try {
    for (const [name, text, re] of cases) {
      const file = join(dir, 'broken.html');
      writeFileSync(file, text);
      const sink = [];
      const p = await open(pathToFileURL(file).href, sink);
      const msg = await p.textContent('#canopy-viewer .cv-error').catch(() => null);
      assert.match(msg ?? '(no error box)', re, `${name}: error message`);
      assert.deepEqual(sink, [], `${name}: no uncaught errors or console errors`);
      const outside = await p.evaluate(() =>
        document.body.textContent.length - document.getElementById('canopy-viewer').textContent.length);
      assert.ok(outside > 0, `${name}: the rest of the page is intact`);
      await p.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
