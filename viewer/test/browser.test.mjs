#!/usr/bin/env node
// Headless-browser test of the replay viewer inside a real report.html.
//
//   node test/browser.test.mjs --report DIR/report.html --events DIR/events.jsonl --screenshot OUT.png \
//        [--background FILE.geojson]
//
// (or env CANOPY_REPORT, CANOPY_EVENTS, CANOPY_SCREENSHOT, CANOPY_BACKGROUND).
// Drives Debian's /usr/bin/chromium through playwright-core; never
// downloads a browser. Expected alert intervals are computed here,
// independently, from events.jsonl rather than from the replay JSON the
// viewer draws; with --background (the GeoJSON the report was made with),
// its positions are converted here too (WGS84 → ECEF → ENU at the origin).
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
    background: { type: 'string', default: process.env.CANOPY_BACKGROUND },
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

/** WGS84 lon/lat (deg, on the ellipsoid) → east/north (m) of the tangent plane at the origin. */
function enuOf(lonDeg, latDeg, origin) {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const e2 = f * (2 - f);
  const rad = Math.PI / 180;
  const ecef = (lat, lon) => {
    const nr = a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
    return [nr * Math.cos(lat) * Math.cos(lon), nr * Math.cos(lat) * Math.sin(lon), nr * (1 - e2) * Math.sin(lat)];
  };
  const lat0 = origin.lat_deg * rad;
  const lon0 = origin.lon_deg * rad;
  const p0 = ecef(lat0, lon0);
  const p = ecef(latDeg * rad, lonDeg * rad);
  const [dx, dy, dz] = [p[0] - p0[0], p[1] - p0[1], p[2] - p0[2]];
  return [
    -Math.sin(lon0) * dx + Math.cos(lon0) * dy,
    -Math.sin(lat0) * Math.cos(lon0) * dx - Math.sin(lat0) * Math.sin(lon0) * dy + Math.cos(lat0) * dz,
  ];
}

/** Lines and polygon rings of a GeoJSON document, as the report keeps them ([lon, lat]). */
function geojsonParts(doc) {
  const lines = [];
  const rings = [];
  const unclosed = (r) => (r.length > 1 && r[0][0] === r.at(-1)[0] && r[0][1] === r.at(-1)[1] ? r.slice(0, -1) : r);
  const geom = (g) => {
    if (!g) return;
    if (g.type === 'LineString') lines.push(g.coordinates);
    else if (g.type === 'MultiLineString') lines.push(...g.coordinates);
    else if (g.type === 'Polygon') rings.push(...g.coordinates.map(unclosed));
    else if (g.type === 'MultiPolygon') for (const p of g.coordinates) rings.push(...p.map(unclosed));
    else if (g.type === 'GeometryCollection') g.geometries.forEach(geom);
  };
  for (const f of doc.type === 'FeatureCollection' ? doc.features : [doc]) geom(f.type === 'Feature' ? f.geometry : f);
  return { lines, rings };
}

/** "x,y x,y ..." → [[x, y], ...] */
const parsePoints = (s) => s.trim().split(/\s+/).filter(Boolean).map((p) => p.split(',').map(Number));
/** "M1 2L3 4Z M..." → [[[1, 2], [3, 4]], ...] */
function parsePath(d) {
  const out = [];
  for (const m of d.matchAll(/([ML])(-?[\d.]+)[ ,](-?[\d.]+)/g)) {
    if (m[1] === 'M') out.push([]);
    out.at(-1).push([Number(m[2]), Number(m[3])]);
  }
  return out;
}
const rounded = (paths) => paths.map((p) => p.map((q) => [Math.round(q[0]), Math.round(q[1])]));

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
const isLit = (zone) => page.evaluate((z) => document.querySelector(`.cv-map [data-zone="${CSS.escape(z)}"]`).classList.contains('cv-lit'), zone);
/** Screen position of world point (e, n) for an element inside the map's world group (or the profile's data group). */
const screenOf = (sel, x, y) => page.evaluate(([s, px, py]) => {
  const m = document.querySelector(s).getScreenCTM();
  const p = new DOMPoint(px, py).matrixTransform(m);
  return [p.x, p.y];
}, [sel, x, y]);

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
    zones: document.querySelectorAll('#canopy-viewer .cv-map [data-zone]').length,
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

test('the map fills the container width and follows it', async () => {
  const measure = () => page.evaluate(() => {
    const svg = document.querySelector('#canopy-viewer svg.cv-map');
    const wrap = svg.parentElement;
    const vb = svg.viewBox.baseVal;
    const r = svg.getBoundingClientRect();
    const cs = getComputedStyle(wrap);
    const inner = wrap.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const host = document.getElementById('canopy-viewer').getBoundingClientRect();
    const root = document.querySelector('#canopy-viewer .cv-root');
    const rcs = getComputedStyle(root);
    const rootInner = root.clientWidth - parseFloat(rcs.paddingLeft) - parseFloat(rcs.paddingRight);
    // Every zone and area polygon lies inside the map (the fit).
    const inside = [...svg.querySelectorAll('[data-zone], [data-area]')].every((el) => {
      const b = el.getBoundingClientRect();
      return b.left >= r.left - 0.5 && b.right <= r.right + 0.5 && b.top >= r.top - 0.5 && b.bottom <= r.bottom + 0.5;
    });
    return { w: r.width, h: r.height, vbW: vb.width, vbH: vb.height, wrap: inner, host: host.width, rootInner, inside,
      wide: root.classList.contains('cv-wide') };
  });
  const settle = (w) => page.waitForFunction((target) => {
    const svg = document.querySelector('#canopy-viewer svg.cv-map');
    return Math.abs(svg.viewBox.baseVal.width - svg.getBoundingClientRect().width) < 1 &&
      Math.abs(svg.getBoundingClientRect().width - svg.parentElement.clientWidth) < 1 && window.innerWidth === target;
  }, w, { timeout: 5000 });

  const sizes = [];
  for (const width of [1360, 980, 1900]) {
    await page.setViewportSize({ width, height: 900 });
    await settle(width);
    const m = await measure();
    sizes.push(m);
    assert.ok(Math.abs(m.w - m.wrap) < 1, `at ${width} px the map is as wide as its column (${m.w} vs ${m.wrap})`);
    assert.ok(Math.abs(m.vbW - m.w) < 1 && Math.abs(m.vbH - m.h) < 1, `one view unit per pixel (${m.vbW}×${m.vbH} vs ${m.w}×${m.h})`);
    if (!m.wide) assert.ok(Math.abs(m.w - m.rootInner) < 1, `below the wide breakpoint the map takes the viewer's whole width (${m.w} vs ${m.rootInner})`);
    assert.ok(m.inside, `at ${width} px every zone and area is inside the map`);
    console.log(`# viewport ${width}: viewer ${m.host.toFixed(0)} px, map ${m.w.toFixed(0)}×${m.h.toFixed(0)} px${m.wide ? ' (panels beside)' : ''}`);
  }
  assert.ok(sizes[0].w - sizes[1].w > 200, `the map narrows with the page (${sizes[0].w} → ${sizes[1].w})`);
  assert.ok(sizes[2].host > sizes[0].host || sizes[2].w >= sizes[0].w, 'the map does not shrink on a wider page');
  await page.setViewportSize({ width: 1360, height: 900 });
  await settle(1360);
  const back = await measure();
  assert.ok(Math.abs(back.w - sizes[0].w) < 1, 'back to the first width');
});

/** Visible map labels: text, box, halo. */
const mapLabels = () => page.evaluate(() => [...document.querySelectorAll('#canopy-viewer .cv-layer-labels text')]
  .filter((t) => getComputedStyle(t).display !== 'none' && getComputedStyle(t.parentElement).display !== 'none')
  .map((t) => {
    const b = t.getBoundingClientRect();
    const cs = getComputedStyle(t);
    return { text: t.textContent, x: b.left, y: b.top, w: b.width, h: b.height,
      paintOrder: cs.paintOrder, stroke: cs.stroke, strokeWidth: parseFloat(cs.strokeWidth) };
  }));
const boxesOverlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const overlapping = (ls) => {
  const out = [];
  for (let i = 0; i < ls.length; ++i) {
    for (let j = i + 1; j < ls.length; ++j) if (boxesOverlap(ls[i], ls[j])) out.push(`${ls[i].text} × ${ls[j].text}`);
  }
  return out;
};

test('labels have a halo and never overlap, at the fit and zoomed out', async () => {
  const data = await page.evaluate(() => window.canopyViewer.data);
  await page.dblclick('#canopy-viewer svg.cv-map', { position: { x: 5, y: 5 } }); // fit
  await setTime(0);
  const all = await page.evaluate(() => document.querySelectorAll('#canopy-viewer .cv-layer-labels text').length);
  const expected = data.areas.length + data.zones.length + data.sites.length + data.batteries.length + data.sensors.length;
  assert.equal(all, expected, 'one label per area, zone, site, battery and sensor');
  let ls = await mapLabels();
  assert.ok(ls.length >= data.areas.length + data.batteries.length + data.sensors.length,
    `the areas', batteries' and sensors' labels are shown at the fit (${ls.map((l) => l.text).join(', ')})`);
  for (const l of ls) {
    assert.match(l.paintOrder, /^stroke/, `label ${l.text}: halo painted under the fill (paint-order ${l.paintOrder})`);
    assert.notEqual(l.stroke, 'none', `label ${l.text} has a halo stroke`);
    assert.ok(l.strokeWidth >= 2, `label ${l.text}: halo ${l.strokeWidth} px wide`);
  }
  assert.deepEqual(overlapping(ls), [], 'no two labels overlap at the fit');
  // Labels cover no battery or sensor marker.
  const markers = await page.evaluate(() => [...document.querySelectorAll('#canopy-viewer .cv-battery, #canopy-viewer .cv-sensor')]
    .map((m) => { const b = m.getBoundingClientRect(); return { text: m.getAttribute('data-battery') ?? m.getAttribute('data-sensor'), x: b.left, y: b.top, w: b.width, h: b.height }; }));
  assert.equal(markers.length, data.batteries.length + data.sensors.length);
  const covered = ls.flatMap((l) => markers.filter((m) => boxesOverlap(l, m)).map((m) => `${l.text} over ${m.text}`));
  assert.deepEqual(covered, [], 'labels leave the battery and sensor markers visible');

  // Zoomed out as far as it goes: crowded, still no overlap (some hidden).
  const box = await page.$eval('#canopy-viewer svg.cv-map', (el) => { const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; });
  await page.mouse.move(box[0], box[1]);
  for (let i = 0; i < 8; ++i) {
    await page.evaluate(([x, y]) => {
      document.querySelector('#canopy-viewer svg.cv-map').dispatchEvent(
        new WheelEvent('wheel', { deltaY: 400, ctrlKey: true, clientX: x, clientY: y, bubbles: true, cancelable: true }));
    }, box);
  }
  ls = await mapLabels();
  assert.ok(ls.length >= 1, 'some labels remain zoomed out');
  assert.deepEqual(overlapping(ls), [], `no two labels overlap zoomed out (${ls.length} shown of ${all})`);
  // Zoomed in: all labels shown again where they fit.
  await page.dblclick('#canopy-viewer svg.cv-map', { position: { x: 5, y: 5 } });
  assert.deepEqual(overlapping(await mapLabels()), []);
});

test('layer switches hide and show their layers', async () => {
  const layers = await page.evaluate(() => [...document.querySelectorAll('#canopy-viewer [data-layer-toggle]')]
    .map((i) => ({ name: i.getAttribute('data-layer-toggle'), disabled: i.disabled, checked: i.checked })));
  const names = layers.map((l) => l.name);
  for (const n of ['background', 'coverage-radars', 'footprints', 'zones', 'areas', 'tracks', 'predictions', 'labels']) {
    assert.ok(names.includes(n), `a switch for ${n}`);
  }
  const groupShown = (n) => page.evaluate((name) => {
    const gs = [...document.querySelectorAll(`#canopy-viewer .cv-map [data-layer="${name}"]`)];
    if (gs.length === 0) throw new Error(`no group data-layer=${name}`);
    return gs.map((g) => getComputedStyle(g).display !== 'none');
  }, n);
  for (const l of layers) {
    assert.equal(l.checked, true, `${l.name} on at the start`);
    assert.ok((await groupShown(l.name)).every(Boolean), `${l.name} shown at the start`);
    if (l.disabled) continue;
    await page.setChecked(`[data-layer-toggle="${l.name}"]`, false);
    assert.ok((await groupShown(l.name)).every((x) => !x), `${l.name} hidden when switched off`);
    await page.setChecked(`[data-layer-toggle="${l.name}"]`, true);
    assert.ok((await groupShown(l.name)).every(Boolean), `${l.name} shown when switched on again`);
  }
  const enabled = layers.filter((l) => !l.disabled).map((l) => l.name);
  for (const n of ['background', 'coverage-radars', 'footprints']) assert.ok(enabled.includes(n), `${n} has data and can be switched`);
});

test('radar coverage and battery footprints are drawn as the data says', async () => {
  const data = await page.evaluate(() => window.canopyViewer.data);
  assert.ok(data.coverage && Array.isArray(data.coverage.radars) && Array.isArray(data.coverage.footprints),
    'the report has a coverage object');
  assert.equal(data.coverage.radars.length, data.sensors.length, 'a coverage sector per radar');
  assert.ok(data.coverage.footprints.length > 0, 'the battery has footprints');
  const drawn = await page.evaluate(() => ({
    radars: [...document.querySelectorAll('#canopy-viewer [data-layer="coverage-radars"] [data-radar]')]
      .map((el) => ({ name: el.getAttribute('data-radar'), points: el.getAttribute('points') })),
    footprints: [...document.querySelectorAll('#canopy-viewer [data-layer="footprints"] [data-battery]')]
      .map((el) => ({ battery: el.getAttribute('data-battery'), type: el.getAttribute('data-rocket-type'), d: el.getAttribute('d') })),
  }));
  assert.equal(drawn.radars.length, data.coverage.radars.length);
  for (const [i, r] of data.coverage.radars.entries()) {
    assert.equal(drawn.radars[i].name, r.name);
    assert.deepEqual(parsePoints(drawn.radars[i].points), rounded([r.sector_en_m])[0], `radar ${r.name}: sector as in the data`);
  }
  assert.equal(drawn.footprints.length, data.coverage.footprints.length);
  for (const [i, f] of data.coverage.footprints.entries()) {
    assert.equal(drawn.footprints[i].battery, f.battery);
    assert.equal(drawn.footprints[i].type, f.rocket_type);
    assert.deepEqual(parsePath(drawn.footprints[i].d), rounded(f.polygons_en_m), `footprint ${f.battery}/${f.rocket_type} as in the data`);
  }
  // On screen where the map puts that point: the first sector vertex.
  const r0 = data.coverage.radars[0];
  if (r0) {
    await page.dblclick('#canopy-viewer svg.cv-map', { position: { x: 5, y: 5 } });
    const sel = `#canopy-viewer [data-radar="${r0.name}"]`;
    const want = await screenOf('#canopy-viewer .cv-world', r0.sector_en_m[0][0], r0.sector_en_m[0][1]);
    const got = await page.evaluate((s) => {
      const el = document.querySelector(s);
      const p = el.points.getItem(0);
      const q = new DOMPoint(p.x, p.y).matrixTransform(el.getScreenCTM());
      return [q.x, q.y];
    }, sel);
    assert.ok(Math.hypot(got[0] - want[0], got[1] - want[1]) < 1, `sector vertex on screen ${got} vs ${want}`);
  }
  // The rocket-type selector shows one type's footprints at a time, or all.
  const types = [...new Set(data.coverage.footprints.map((f) => f.rocket_type))];
  const shownTypes = () => page.evaluate(() => [...document.querySelectorAll('#canopy-viewer [data-layer="footprints"] [data-battery]')]
    .filter((el) => getComputedStyle(el).display !== 'none').map((el) => el.getAttribute('data-rocket-type')));
  for (const t of types) {
    await page.selectOption('#canopy-viewer [data-footprint-type]', t);
    const s = await shownTypes();
    assert.ok(s.length > 0 && s.every((x) => x === t), `only ${t} footprints shown (${s})`);
  }
  await page.selectOption('#canopy-viewer [data-footprint-type]', '');
  assert.equal((await shownTypes()).length, data.coverage.footprints.length, 'all types: every footprint shown');
  await page.selectOption('#canopy-viewer [data-footprint-type]', types[0]);
});

test('the background layer is the GeoJSON in the scenario frame', async () => {
  const data = await page.evaluate(() => window.canopyViewer.data);
  assert.ok(Array.isArray(data.background), 'the report has a background array');
  if (!args.background) {
    console.log('# no --background: checked only that the key is there');
    return;
  }
  const doc = JSON.parse(readFileSync(resolve(args.background), 'utf8'));
  const want = geojsonParts(doc);
  assert.equal(data.background.length, 1, 'one layer per --background file');
  const layer = data.background[0];
  assert.equal(layer.name, args.background.split('/').pop());
  assert.equal(layer.lines_en_m.length, want.lines.length, 'every line');
  assert.equal(layer.polygons_en_m.length, want.rings.length, 'every ring');
  let worst = 0;
  const check = (got, exp, what) => {
    assert.equal(got.length, exp.length, `${what}: vertex count`);
    exp.forEach((ll, k) => {
      const [e, n] = enuOf(ll[0], ll[1], data.origin);
      worst = Math.max(worst, Math.hypot(got[k][0] - e, got[k][1] - n));
    });
  };
  want.lines.forEach((l, i) => check(layer.lines_en_m[i], l, `line ${i}`));
  want.rings.forEach((r, i) => check(layer.polygons_en_m[i], r, `ring ${i}`));
  assert.ok(worst < 1, `positions within 1 m of WGS84 → ENU at the origin (worst ${worst.toFixed(2)} m)`);
  const drawn = await page.evaluate((name) => {
    const g = document.querySelector(`#canopy-viewer [data-layer="background"] [data-background="${CSS.escape(name)}"]`);
    return { lines: g.querySelector('.cv-bgline')?.getAttribute('d') ?? '', polys: g.querySelector('.cv-bgpoly')?.getAttribute('d') ?? '' };
  }, layer.name);
  assert.deepEqual(parsePath(drawn.lines), rounded(layer.lines_en_m), 'lines drawn as in the data');
  assert.deepEqual(parsePath(drawn.polys), rounded(layer.polygons_en_m), 'rings drawn as in the data');
  assert.match(drawn.polys, /Z/, 'rings are closed');
});

test('zone timelines: a row per zone, bars at the alert intervals, a cursor at now', async () => {
  const data = await page.evaluate(() => window.canopyViewer.data);
  const sim = data.sim_time_s;
  const expected = expectedAlerts(events, sim);
  const rows = await page.evaluate(() => [...document.querySelectorAll('#cv-zone-timelines [data-zone]')].map((row) => {
    const track = row.querySelector('.cv-zt-track').getBoundingClientRect();
    return {
      zone: row.getAttribute('data-zone'), left: track.left, width: track.width,
      bars: [...row.querySelectorAll('[data-on]')].map((b) => {
        const r = b.getBoundingClientRect();
        return { on: Number(b.getAttribute('data-on')), off: Number(b.getAttribute('data-off')), x0: r.left, x1: r.right };
      }),
    };
  }));
  assert.deepEqual(rows.map((r) => r.zone), data.zones.map((z) => z.id), 'one row per zone, in order');
  let bars = 0;
  for (const row of rows) {
    const want = expected.get(row.zone) ?? [];
    assert.equal(row.bars.length, want.length, `zone ${row.zone}: ${want.length} alert interval(s)`);
    row.bars.forEach((b, i) => {
      assert.ok(Math.abs(b.on - want[i].on) < 0.0015 && Math.abs(b.off - want[i].off) < 0.0015,
        `zone ${row.zone} bar ${i}: ${b.on}–${b.off} vs events.jsonl ${want[i].on}–${want[i].off}`);
      const x0 = row.left + (row.width * want[i].on) / sim;
      const x1 = row.left + (row.width * want[i].off) / sim;
      assert.ok(Math.abs(b.x0 - x0) < 1, `zone ${row.zone} bar ${i} starts at ${x0.toFixed(1)} px (${b.x0.toFixed(1)})`);
      if (x1 - x0 > 3) assert.ok(Math.abs(b.x1 - x1) < 1, `zone ${row.zone} bar ${i} ends at ${x1.toFixed(1)} px (${b.x1.toFixed(1)})`);
      bars++;
    });
  }
  assert.ok(bars > 0, 'some bars');
  const cursorAt = () => page.evaluate(() => {
    const c = document.querySelector('#cv-zone-timelines .cv-zt-cursor').getBoundingClientRect();
    return c.left;
  });
  const row0 = rows[0];
  for (const f of [0, 0.37, 1]) {
    await setTime(f * sim);
    const x = await cursorAt();
    assert.ok(Math.abs(x - (row0.left + f * row0.width)) < 1.5, `cursor at ${(f * sim).toFixed(1)} s: ${x.toFixed(1)} px, want ${(row0.left + f * row0.width).toFixed(1)}`);
  }
  // A row is marked while its zone is under alert; clicking a bar goes to its start.
  const [zone, iv] = [...expected.entries()][0];
  await setTime((iv[0].on + iv[0].off) / 2);
  assert.ok(await page.evaluate((z) => document.querySelector(`#cv-zone-timelines [data-zone="${CSS.escape(z)}"]`).classList.contains('cv-zt-lit'), zone));
  await page.click(`#cv-zone-timelines [data-zone="${zone}"] [data-on]`);
  assert.ok(Math.abs((await page.evaluate(() => window.canopyViewer.time())) - iv[0].on) < 0.0015, 'clicking a bar goes to its start');
  await setTime(0);
});

test('clicking a rocket shows its timeline', async () => {
  const data = await page.evaluate(() => window.canopyViewer.data);
  // A rocket whose marker is the topmost element at its centre mid-flight
  // (the map scrolled into view: elementFromPoint sees the viewport only).
  await page.$eval('#canopy-viewer svg.cv-map', (el) => el.scrollIntoView());
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

test('the altitude–range profile of the selected rocket and its interceptors', async () => {
  const data = await page.evaluate(() => window.canopyViewer.data);
  const r = data.rockets.find((x) => x.trail.length >= 4 && data.interceptors.some((i) => i.rocket === x.id && i.trail.length >= 2)) ??
    data.rockets.find((x) => x.trail.length >= 4);
  assert.ok(r, 'a rocket with a trail');
  const ints = data.interceptors.filter((i) => i.rocket === r.id && i.trail.length > 0);
  const mid = (r.t_launch + r.t_end) / 2;
  await setTime(mid);
  await page.$eval(`[data-rocket="${r.id}"]`, (el) => el.dispatchEvent(new MouseEvent('click', { bubbles: true })));
  assert.equal(await shown('#cv-profile'), true, 'profile shown on selection');
  assert.equal(await page.getAttribute('#cv-profile', 'data-selected'), String(r.id));

  const [e0, n0] = [r.trail[0][1], r.trail[0][2]];
  const rangeOf = (p) => Math.hypot(p[1] - e0, p[2] - n0);
  const curve = async (sel) => parsePoints(await page.getAttribute(sel, 'points'));
  const rc = await curve(`#cv-profile [data-profile-rocket="${r.id}"]`);
  assert.equal(rc.length, r.trail.length, 'a profile point per trail sample');
  const maxU = Math.max(...r.trail.map((p) => p[3]));
  assert.ok(Math.abs(Math.max(...rc.map((p) => p[1])) - maxU) < 0.06, `apogee ${Math.max(...rc.map((p) => p[1]))} m = trail's ${maxU} m`);
  assert.ok(Math.abs(rc.at(-1)[0] - rangeOf(r.trail.at(-1))) < 0.06, 'last point at the trail\'s ground range from launch');
  assert.ok(Math.abs(rc[0][0]) < 0.06, 'starts at range 0');
  const drawnInts = await page.evaluate(() => [...document.querySelectorAll('#cv-profile [data-profile-interceptor]')].map((e) => Number(e.getAttribute('data-profile-interceptor'))));
  assert.deepEqual(drawnInts.sort((a, b) => a - b), ints.map((i) => i.id).sort((a, b) => a - b), 'the rocket\'s interceptors, and only those');
  for (const it of ints) {
    const ic = await curve(`#cv-profile [data-profile-interceptor="${it.id}"]`);
    assert.equal(ic.length, it.trail.length);
    const want = Math.max(...it.trail.map((p) => p[3]));
    assert.ok(Math.abs(Math.max(...ic.map((p) => p[1])) - want) < 0.06, `interceptor ${it.id}: top ${want} m`);
    assert.ok(Math.abs(ic.at(-1)[0] - rangeOf(it.trail.at(-1))) < 0.06, `interceptor ${it.id}: range from the rocket's launch point`);
  }
  // The whole curve inside the plot frame.
  const inFrame = await page.evaluate(() => {
    const f = document.querySelector('#cv-profile .cv-frame').getBoundingClientRect();
    const c = document.querySelector('#cv-profile .cv-prof-rocket').getBoundingClientRect();
    return c.left >= f.left - 1 && c.right <= f.right + 1 && c.top >= f.top - 1 && c.bottom <= f.bottom + 1;
  });
  assert.ok(inFrame, 'the rocket\'s curve is inside the plot');

  // The cursor follows the clock: at t, where the trail is (interpolated here).
  const at = (tr, t) => {
    let k = 0;
    while (k + 1 < tr.length && tr[k + 1][0] <= t) k++;
    const a = tr[k];
    const b = tr[Math.min(k + 1, tr.length - 1)];
    const f = b[0] > a[0] ? (t - a[0]) / (b[0] - a[0]) : 0;
    const e = a[1] + f * (b[1] - a[1]);
    const n = a[2] + f * (b[2] - a[2]);
    return [Math.hypot(e - e0, n - n0), a[3] + f * (b[3] - a[3])];
  };
  const cursor = () => page.evaluate(() => {
    const c = document.querySelector('#cv-profile [data-cursor="rocket"]');
    if (getComputedStyle(c).display === 'none') return null;
    const b = c.getBoundingClientRect();
    return [b.left + b.width / 2, b.top + b.height / 2];
  });
  const tEndTrail = r.trail.at(-1)[0];
  for (const f of [0.1, 0.5, 0.9]) {
    const t = r.trail[0][0] + f * (Math.min(r.t_end, tEndTrail) - r.trail[0][0]);
    await setTime(t);
    const [range, alt] = at(r.trail, t);
    const want = await screenOf('#cv-profile .cv-profile-data', range, alt);
    const got = await cursor();
    assert.ok(got, `cursor shown at ${t.toFixed(1)} s`);
    assert.ok(Math.hypot(got[0] - want[0], got[1] - want[1]) < 1.5, `cursor at ${t.toFixed(1)} s: ${got} vs ${want}`);
  }
  if (r.t_launch >= 0.5) {
    await setTime(r.t_launch - 0.5);
    assert.equal(await cursor(), null, 'no cursor before launch');
  }
  // Deselecting hides the profile.
  await page.click('#cv-timeline .cv-close');
  assert.equal(await shown('#cv-profile'), false, 'profile hidden without a selection');
  assert.equal(await page.getAttribute('#cv-profile', 'data-selected'), null);
  await page.$eval(`[data-rocket="${r.id}"]`, (el) => el.dispatchEvent(new MouseEvent('click', { bubbles: true })));
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
