#!/usr/bin/env node
// Development fixture: builds a report.html the way `canopy report DIR`
// does (replay JSON of docs/replay.md + viewer bundle + container) from a
// run directory and its scenario, so the viewer can be developed and tested
// before the C++ report exists. Not used by CTest.
//
//   node test/make_fixture.mjs --run /tmp/viewer-run --scenario test/replay_scenario.yaml \
//        [--bundle dist/canopy-viewer.js] [--out /tmp/viewer-run/report.html] \
//        [--background test/background.geojson ...] [--coverage-demo]
//
// --background: GeoJSON lines and polygons, placed as the C++ report places
// them (tangent plane at the origin, on the ellipsoid). --coverage-demo: a
// made-up `coverage` object (each radar's sector from the scenario, a disc
// per battery and rocket type) for developing the layers.
//
// tracks.csv / interceptors.csv are used when present; otherwise track
// trails are approximated from the truth of the track's rocket and
// interceptor trails are left empty (the viewer then draws battery →
// intercept point).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    run: { type: 'string' },
    scenario: { type: 'string' },
    bundle: { type: 'string', default: resolve(here, '../dist/canopy-viewer.js') },
    out: { type: 'string' },
    background: { type: 'string', multiple: true, default: [] },
    'coverage-demo': { type: 'boolean', default: false },
  },
});
if (!args.run || !args.scenario) {
  console.error('usage: make_fixture.mjs --run DIR --scenario FILE [--bundle JS] [--out HTML]');
  process.exit(2);
}
const runDir = resolve(args.run);
const out = resolve(args.out ?? join(runDir, 'report.html'));

const sc = YAML.parse(readFileSync(args.scenario, 'utf8'));
const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
const events = readFileSync(join(runDir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const km = (p) => [p[0] * 1000, p[1] * 1000];

function readCsv(name) {
  const f = join(runDir, name);
  if (!existsSync(f)) return null;
  const [head, ...rows] = readFileSync(f, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], Number(v)])));
}
function trailsBy(rows, key) {
  const m = new Map();
  for (const r of rows ?? []) {
    if (!m.has(r[key])) m.set(r[key], []);
    m.get(r[key]).push([r.t, r.e_m, r.n_m, r.u_m]);
  }
  return m;
}

const simTime = summary.sim_time_s;
const truth = trailsBy(readCsv('trajectories.csv'), 'rocket');
const trackRows = readCsv('tracks.csv');
const trackTrails = trailsBy(trackRows, 'track');
const interceptorTrails = trailsBy(readCsv('interceptors.csv'), 'interceptor');
const first = (type, pred) => events.find((e) => e.type === type && pred(e))?.t ?? null;

// Rockets.
const rockets = events.filter((e) => e.type === 'launch').map((l) => {
  const id = l.rocket;
  const impact = events.find((e) => e.type === 'impact' && e.rocket === id);
  const kill = events.find((e) => e.type === 'intercept' && e.rocket === id && e.killed);
  const trail = truth.get(id) ?? [];
  return {
    id, type: l.rocket_type, t_launch: l.t,
    t_end: impact?.t ?? kill?.t ?? simTime,
    outcome: impact ? 'impact' : kill ? 'intercepted' : 'in_flight',
    area: impact ? impact.area : null,
    trail,
    timeline: {
      launch: l.t,
      detected: first('track_start', (e) => e.rocket === id),
      confirmed: first('track_confirm', (e) => e.rocket === id),
      declared: first('threat_decision', (e) => e.rocket === id && e.threat),
      alerted: first('alert_on', (e) => e.rocket === id),
      engaged: first('fire', (e) => e.rocket === id),
      intercepted: kill?.t ?? null,
      impact: impact?.t ?? null,
    },
  };
});
const rocketTrail = new Map(rockets.map((r) => [r.id, r.trail]));

// Tracks: tracks.csv, or the truth of the track's rocket over its life.
const tracks = events.filter((e) => e.type === 'track_start').map((s) => {
  const end = events.find((e) => e.type === 'track_end' && e.track === s.track)?.t ?? simTime;
  let trail = trackTrails.get(s.track);
  if (!trackRows) {
    const tr = s.rocket === null ? [] : (rocketTrail.get(s.rocket) ?? []);
    trail = tr.filter((p) => p[0] >= s.t && p[0] <= end).map(([t, e, n, u]) => [t, e + 60, n - 40, u]);
  }
  return { id: s.track, rocket: s.rocket, trail: trail ?? [] };
});

const predictions = events.filter((e) => e.type === 'impact_prediction').map((e) => ({
  t: e.t, track: e.track, rocket: e.rocket, p_en_m: e.p_en_m, cov_m2: e.cov_m2, t_impact: e.t_impact,
}));

const interceptors = events.filter((e) => e.type === 'fire').map((f) => {
  const end = events.find((e) => e.type === 'interceptor_end' && e.interceptor === f.interceptor);
  return {
    id: f.interceptor, battery: f.battery, rocket: f.rocket, t_fire: f.t, t_end: end?.t ?? simTime,
    reason: end?.reason ?? 'run_end', trail: interceptorTrails.get(f.interceptor) ?? [],
  };
});
const intercepts = events.filter((e) => e.type === 'intercept').map((e) => ({
  t: e.t, interceptor: e.interceptor, rocket: e.rocket, killed: e.killed, p_enu_m: e.p_enu_m, miss_m: e.miss_m,
}));
const impacts = events.filter((e) => e.type === 'impact').map((e) => ({
  t: e.t, rocket: e.rocket, p_en_m: e.p_enu_m.slice(0, 2), area: e.area,
}));

// Alert holds: a zone is under alert while at least one track holds it.
const alerts = [];
const holders = new Map();
const since = new Map();
for (const e of events) {
  if (e.type !== 'alert_on' && e.type !== 'alert_off') continue;
  const h = holders.get(e.zone) ?? new Set();
  holders.set(e.zone, h);
  if (e.type === 'alert_on') {
    if (h.size === 0) since.set(e.zone, e.t);
    h.add(e.track);
  } else if (h.delete(e.track) && h.size === 0) {
    alerts.push({ zone: e.zone, on: since.get(e.zone), off: e.t });
  }
}
for (const [zone, h] of holders) if (h.size > 0) alerts.push({ zone, on: since.get(zone), off: simTime });
alerts.sort((a, b) => a.on - b.on);

const replay = {
  version: 1, scenario: summary.scenario, seed: summary.seed, sim_time_s: simTime,
  origin: { lat_deg: sc.origin.lat_deg, lon_deg: sc.origin.lon_deg },
  areas: (sc.defended_areas ?? []).map((a) => ({ name: a.name, value: a.value, polygon_en_m: a.polygon_km.map(km) })),
  zones: (sc.alert_zones ?? []).map((z) => ({ id: z.id, polygon_en_m: z.polygon_km.map(km) })),
  sites: (sc.launch_sites ?? []).map((s) => ({ name: s.name, center_en_m: km(s.center_km), radius_m: s.radius_km * 1000 })),
  batteries: (sc.batteries ?? []).map((b) => ({
    name: b.name, position_en_m: km(b.position_km), launchers: b.launchers.map((l) => km(l.position_km)),
  })),
  sensors: (sc.sensors ?? []).map((s) => ({ name: s.name, position_en_m: km(s.position_km) })),
  rockets, tracks, predictions, interceptors, intercepts, impacts, alerts,
};

// Background layers: lon/lat → ENU of the tangent plane at the origin
// (WGS84 → ECEF → ENU, on the ellipsoid).
const rad = Math.PI / 180;
const wgsA = 6378137;
const wgsE2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);
const ecef = (lat, lon) => {
  const nr = wgsA / Math.sqrt(1 - wgsE2 * Math.sin(lat) ** 2);
  return [nr * Math.cos(lat) * Math.cos(lon), nr * Math.cos(lat) * Math.sin(lon), nr * (1 - wgsE2) * Math.sin(lat)];
};
const lat0 = sc.origin.lat_deg * rad;
const lon0 = sc.origin.lon_deg * rad;
const p0 = ecef(lat0, lon0);
const enu = ([lon, lat]) => {
  const p = ecef(lat * rad, lon * rad);
  const [dx, dy, dz] = [p[0] - p0[0], p[1] - p0[1], p[2] - p0[2]];
  return [
    Math.round(-Math.sin(lon0) * dx + Math.cos(lon0) * dy),
    Math.round(-Math.sin(lat0) * Math.cos(lon0) * dx - Math.sin(lat0) * Math.sin(lon0) * dy + Math.cos(lat0) * dz),
  ];
};
replay.background = args.background.map((file) => {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const lines = [];
  const polygons = [];
  const ring = (r) => {
    const x = r.map(enu);
    const [f, l] = [x[0], x[x.length - 1]];
    if (x.length > 1 && f[0] === l[0] && f[1] === l[1]) x.pop();
    return x;
  };
  const geom = (g) => {
    if (!g) return;
    if (g.type === 'LineString') lines.push(g.coordinates.map(enu));
    else if (g.type === 'MultiLineString') for (const l of g.coordinates) lines.push(l.map(enu));
    else if (g.type === 'Polygon') for (const r of g.coordinates) polygons.push(ring(r));
    else if (g.type === 'MultiPolygon') for (const p of g.coordinates) for (const r of p) polygons.push(ring(r));
    else if (g.type === 'GeometryCollection') g.geometries.forEach(geom);
  };
  const feats = doc.type === 'FeatureCollection' ? doc.features : [doc];
  for (const f of feats) geom(f.type === 'Feature' ? f.geometry : f);
  return { name: file.split('/').pop(), lines_en_m: lines, polygons_en_m: polygons };
});

if (args['coverage-demo']) {
  const arc = (c, r0, r1, az, width) => {
    const pts = [];
    const n = 48;
    const full = width >= 360;
    const from = full ? 0 : az - width / 2;
    const span = full ? 360 : width;
    for (let i = 0; i <= n; ++i) {
      const b = ((from + (span * i) / n) * Math.PI) / 180;
      pts.push([Math.round(c[0] + r1 * Math.sin(b)), Math.round(c[1] + r1 * Math.cos(b))]);
    }
    if (!full) {
      for (let i = n; i >= 0; --i) {
        const b = ((from + (span * i) / n) * Math.PI) / 180;
        pts.push([Math.round(c[0] + r0 * Math.sin(b)), Math.round(c[1] + r0 * Math.cos(b))]);
      }
    }
    return pts;
  };
  const types = (sc.rocket_types ?? []).map((t) => t.name);
  replay.coverage = {
    radars: (sc.sensors ?? []).map((s) => ({
      name: s.name, max_range_m: s.range_km[1] * 1000,
      sector_en_m: arc(km(s.position_km), s.range_km[0] * 1000, s.range_km[1] * 1000, s.azimuth_deg ?? 0, s.sector_deg ?? 360),
    })),
    footprints: (sc.batteries ?? []).flatMap((b) => types.map((t, i) => ({
      battery: b.name, rocket_type: t, polygons_en_m: [arc(km(b.position_km), 0, 6000 + 1500 * i, 0, 360)],
    }))),
  };
}

const json = JSON.stringify(replay).replace(/<\//g, '<\\/');
const bundle = readFileSync(args.bundle, 'utf8').replace(/<\/script/gi, '<\\/script');
const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>canopy report (viewer fixture)</title>
<style>body{font-family:serif;margin:24px;max-width:1280px} table{border:2px solid black} td,th{padding:6px;border:1px solid #888}
svg circle{fill:orange} text{fill:purple}</style></head>
<body>
<h1>canopy report — ${summary.scenario} (fixture)</h1>
<table id="other-table"><tr><th>rockets</th><td>${summary.rockets_launched}</td></tr></table>
<svg id="other-plot" width="120" height="40"><circle cx="20" cy="20" r="10"/><text x="40" y="25">plot</text></svg>
<h2>Replay</h2>
<div id="canopy-viewer"></div>
<script type="application/json" id="canopy-replay">${json}</script>
<script>${bundle}</script>
<p id="after">end of report</p>
</body></html>
`;
writeFileSync(out, html);
console.log(`wrote ${out} (${(html.length / 1024).toFixed(0)} KiB)`);
