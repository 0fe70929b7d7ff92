#!/usr/bin/env node
// Development fixture: builds a report.html the way `canopy report DIR`
// does (replay JSON of docs/replay.md + viewer bundle + container) from a
// run directory and its scenario, so the viewer can be developed and tested
// before the C++ report exists. Not used by CTest.
//
//   node test/make_fixture.mjs --run /tmp/viewer-run --scenario test/replay_scenario.yaml \
//        [--bundle dist/canopy-viewer.js] [--out /tmp/viewer-run/report.html]
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
