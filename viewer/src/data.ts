// Parsing and validation of the replay JSON (docs/replay.md) into the
// viewer's model. Trails become columnar typed arrays so that per-frame
// lookups are a binary search and two multiplications.

export type Vec2 = [number, number];

/** Samples sorted by time; positions in metres (world ENU). */
export interface Trail {
  t: Float64Array;
  e: Float64Array;
  n: Float64Array;
  /** Altitude (up), m; 0 where a sample has none. */
  u: Float64Array;
}

export interface Area { name: string; value: number; polygon: Vec2[] }
export interface Zone { id: string; polygon: Vec2[] }
export interface Site { name: string; center: Vec2; radius: number }
export interface Battery { name: string; position: Vec2; launchers: Vec2[] }
export interface Sensor { name: string; position: Vec2 }

export const TIMELINE_KEYS = [
  'launch', 'detected', 'confirmed', 'declared', 'alerted', 'engaged', 'intercepted', 'impact',
] as const;
export type TimelineKey = (typeof TIMELINE_KEYS)[number];
export type Timeline = Record<TimelineKey, number | null>;

export interface Rocket {
  id: number;
  type: string;
  tLaunch: number;
  tEnd: number;
  outcome: string;
  area: string | null;
  trail: Trail;
  timeline: Timeline;
}

export interface Track { id: number; rocket: number | null; trail: Trail }

export interface Prediction {
  t: number;
  track: number;
  rocket: number | null;
  p: Vec2;
  /** Covariance [ee, en, nn], m². */
  cov: [number, number, number];
  tImpact: number;
}

export interface Interceptor {
  id: number;
  battery: string;
  rocket: number | null;
  tFire: number;
  tEnd: number;
  reason: string;
  trail: Trail;
}

export interface Intercept {
  t: number;
  interceptor: number;
  rocket: number | null;
  killed: boolean;
  p: Vec2;
  /** Altitude of the intercept, m (0 if the data has none). */
  u: number;
  missM: number | null;
}

export interface Impact { t: number; rocket: number; p: Vec2; area: string | null }
export interface AlertInterval { on: number; off: number }

/** A radar's coverage on the ground: its sector polygon (docs/replay.md, "coverage"). */
export interface RadarCoverage { name: string; maxRange: number; sector: Vec2[] }
/** Where a battery can defend against one rocket type: one or more polygons. */
export interface Footprint { battery: string; rocketType: string; polygons: Vec2[][] }
/** A user's GeoJSON layer (--background): lines and polygon rings, world ENU. */
export interface BackgroundLayer { name: string; lines: Vec2[][]; polygons: Vec2[][] }

export interface Replay {
  version: number;
  scenario: string;
  seed: number | null;
  simTime: number;
  areas: Area[];
  zones: Zone[];
  sites: Site[];
  batteries: Battery[];
  sensors: Sensor[];
  rockets: Rocket[];
  tracks: Track[];
  /** Predictions grouped by track id, each list sorted by time. */
  predictionsByTrack: Map<number, Prediction[]>;
  predictionCount: number;
  interceptors: Interceptor[];
  intercepts: Intercept[];
  impacts: Impact[];
  /** Alert intervals per zone id, sorted by start. */
  alerts: Map<string, AlertInterval[]>;
  /** Radar sectors and battery footprints; empty when the report has none. */
  coverage: { radars: RadarCoverage[]; footprints: Footprint[] };
  background: BackgroundLayer[];
}

/** A problem with the replay data, shown to the user in the container. */
export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new ReplayError(`${path}: ${what}`);
}

function asObj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Obj;
}

function asNum(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'expected a finite number');
  return v;
}

function num(o: Obj, key: string, path: string): number {
  return asNum(o[key], `${path}.${key}`);
}

function numOrNull(o: Obj, key: string, path: string): number | null {
  const v = o[key];
  return v === null || v === undefined ? null : asNum(v, `${path}.${key}`);
}

function str(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') fail(`${path}.${key}`, 'expected a string');
  return v;
}

function strOrNull(o: Obj, key: string, path: string): string | null {
  const v = o[key];
  return v === null || v === undefined ? null : str(o, key, path);
}

/** An array member; a missing key reads as empty (docs: absent data is []). */
function arr(o: Obj, key: string, path: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${path}.${key}`, 'expected an array');
  return v;
}

function vec2(v: unknown, path: string): Vec2 {
  if (!Array.isArray(v) || v.length < 2) fail(path, 'expected [e, n]');
  return [asNum(v[0], `${path}[0]`), asNum(v[1], `${path}[1]`)];
}

function polygon(o: Obj, key: string, path: string): Vec2[] {
  const pts = arr(o, key, path).map((p, i) => vec2(p, `${path}.${key}[${i}]`));
  if (pts.length < 3) fail(`${path}.${key}`, 'a polygon needs at least 3 vertices');
  return pts;
}

/** [[[e, n], ...], ...]: paths of at least `min` points each. */
function paths(o: Obj, key: string, path: string, min: number): Vec2[][] {
  return arr(o, key, path).map((v, i) => {
    const p = `${path}.${key}[${i}]`;
    if (!Array.isArray(v)) fail(p, 'expected an array of [e, n]');
    if (v.length < min) fail(p, `expected at least ${min} points`);
    return v.map((q, j) => vec2(q, `${p}[${j}]`));
  });
}

/** [[t, e, n, u], ...] → columnar trail, sorted by time. */
function trail(o: Obj, key: string, path: string): Trail {
  const rows = arr(o, key, path);
  const parsed: [number, number, number, number][] = rows.map((r, i) => {
    const p = `${path}.${key}[${i}]`;
    if (!Array.isArray(r) || r.length < 3) fail(p, 'expected [t, e, n, u]');
    const u = r.length > 3 ? asNum(r[3], `${p}[3]`) : 0;
    return [asNum(r[0], `${p}[0]`), asNum(r[1], `${p}[1]`), asNum(r[2], `${p}[2]`), u];
  });
  for (let i = 1; i < parsed.length; ++i) {
    if (parsed[i][0] < parsed[i - 1][0]) {
      parsed.sort((a, b) => a[0] - b[0]);
      break;
    }
  }
  return columns(parsed);
}

export function columns(rows: readonly (readonly [number, number, number, number?])[]): Trail {
  const n = rows.length;
  const out: Trail = { t: new Float64Array(n), e: new Float64Array(n), n: new Float64Array(n), u: new Float64Array(n) };
  rows.forEach((r, i) => {
    out.t[i] = r[0];
    out.e[i] = r[1];
    out.n[i] = r[2];
    out.u[i] = r[3] ?? 0;
  });
  return out;
}

function list<T>(root: Obj, key: string, each: (o: Obj, path: string) => T): T[] {
  return arr(root, key, '$').map((v, i) => {
    const path = `${key}[${i}]`;
    return each(asObj(v, path), path);
  });
}

/** Validates the parsed JSON document and builds the viewer's model. */
export function parseReplay(doc: unknown): Replay {
  const root = asObj(doc, 'replay');
  const version = num(root, 'version', '$');
  if (version !== 1) fail('version', `unsupported replay version ${version} (this viewer reads version 1)`);
  const simTime = Math.max(0, num(root, 'sim_time_s', '$'));

  const rockets = list(root, 'rockets', (o, p): Rocket => {
    const tl = o.timeline === undefined ? {} : asObj(o.timeline, `${p}.timeline`);
    const timeline = {} as Timeline;
    for (const k of TIMELINE_KEYS) timeline[k] = numOrNull(tl, k, `${p}.timeline`);
    const tLaunch = num(o, 't_launch', p);
    if (timeline.launch === null) timeline.launch = tLaunch;
    return {
      id: num(o, 'id', p), type: o.type === undefined ? '' : str(o, 'type', p),
      tLaunch, tEnd: numOrNull(o, 't_end', p) ?? simTime,
      outcome: str(o, 'outcome', p), area: strOrNull(o, 'area', p),
      trail: trail(o, 'trail', p), timeline,
    };
  });

  const predictionsByTrack = new Map<number, Prediction[]>();
  const predictions = list(root, 'predictions', (o, p): Prediction => {
    const c = arr(o, 'cov_m2', p);
    const r0 = vec2(c[0], `${p}.cov_m2[0]`);
    const r1 = vec2(c[1], `${p}.cov_m2[1]`);
    return {
      t: num(o, 't', p), track: num(o, 'track', p), rocket: numOrNull(o, 'rocket', p),
      p: vec2(o.p_en_m, `${p}.p_en_m`), cov: [r0[0], 0.5 * (r0[1] + r1[0]), r1[1]],
      tImpact: num(o, 't_impact', p),
    };
  });
  for (const pr of predictions) {
    const l = predictionsByTrack.get(pr.track);
    if (l) l.push(pr);
    else predictionsByTrack.set(pr.track, [pr]);
  }
  for (const l of predictionsByTrack.values()) l.sort((a, b) => a.t - b.t);

  const alerts = new Map<string, AlertInterval[]>();
  for (const a of list(root, 'alerts', (o, p) => ({ zone: str(o, 'zone', p), on: num(o, 'on', p), off: num(o, 'off', p) }))) {
    const l = alerts.get(a.zone);
    if (l) l.push({ on: a.on, off: a.off });
    else alerts.set(a.zone, [{ on: a.on, off: a.off }]);
  }
  for (const l of alerts.values()) l.sort((a, b) => a.on - b.on);

  // Coverage: written by newer canopy reports; a missing key reads as none.
  const cov = root.coverage === undefined || root.coverage === null ? {} : asObj(root.coverage, 'coverage');
  const coverage = {
    radars: arr(cov, 'radars', 'coverage').map((v, i): RadarCoverage => {
      const p = `coverage.radars[${i}]`;
      const o = asObj(v, p);
      // A degenerate radar has an empty sector: nothing to draw, not an error.
      const sector = arr(o, 'sector_en_m', p).map((q, j) => vec2(q, `${p}.sector_en_m[${j}]`));
      return { name: str(o, 'name', p), maxRange: numOrNull(o, 'max_range_m', p) ?? 0, sector };
    }),
    footprints: arr(cov, 'footprints', 'coverage').map((v, i): Footprint => {
      const p = `coverage.footprints[${i}]`;
      const o = asObj(v, p);
      return {
        battery: str(o, 'battery', p), rocketType: str(o, 'rocket_type', p),
        polygons: paths(o, 'polygons_en_m', p, 0),
      };
    }),
  };

  return {
    version,
    scenario: root.scenario === undefined ? '' : str(root, 'scenario', '$'),
    seed: numOrNull(root, 'seed', '$'),
    simTime,
    areas: list(root, 'areas', (o, p) => ({
      name: str(o, 'name', p), value: numOrNull(o, 'value', p) ?? 0, polygon: polygon(o, 'polygon_en_m', p),
    })),
    zones: list(root, 'zones', (o, p) => ({ id: str(o, 'id', p), polygon: polygon(o, 'polygon_en_m', p) })),
    sites: list(root, 'sites', (o, p) => ({
      name: str(o, 'name', p), center: vec2(o.center_en_m, `${p}.center_en_m`), radius: num(o, 'radius_m', p),
    })),
    batteries: list(root, 'batteries', (o, p) => ({
      name: str(o, 'name', p), position: vec2(o.position_en_m, `${p}.position_en_m`),
      launchers: arr(o, 'launchers', p).map((l, i) => vec2(l, `${p}.launchers[${i}]`)),
    })),
    sensors: list(root, 'sensors', (o, p) => ({ name: str(o, 'name', p), position: vec2(o.position_en_m, `${p}.position_en_m`) })),
    rockets,
    tracks: list(root, 'tracks', (o, p) => ({ id: num(o, 'id', p), rocket: numOrNull(o, 'rocket', p), trail: trail(o, 'trail', p) })),
    predictionsByTrack,
    predictionCount: predictions.length,
    interceptors: list(root, 'interceptors', (o, p) => ({
      id: num(o, 'id', p), battery: o.battery == null ? '' : str(o, 'battery', p), rocket: numOrNull(o, 'rocket', p),
      tFire: num(o, 't_fire', p), tEnd: numOrNull(o, 't_end', p) ?? simTime,
      reason: o.reason == null ? '' : str(o, 'reason', p), trail: trail(o, 'trail', p),
    })),
    intercepts: list(root, 'intercepts', (o, p) => {
      const q = arr(o, 'p_enu_m', p);
      return {
        t: num(o, 't', p), interceptor: num(o, 'interceptor', p), rocket: numOrNull(o, 'rocket', p),
        killed: o.killed === true, p: vec2(q, `${p}.p_enu_m`), u: q.length > 2 ? asNum(q[2], `${p}.p_enu_m[2]`) : 0,
        missM: numOrNull(o, 'miss_m', p),
      };
    }),
    impacts: list(root, 'impacts', (o, p) => ({
      t: num(o, 't', p), rocket: num(o, 'rocket', p), p: vec2(o.p_en_m, `${p}.p_en_m`), area: strOrNull(o, 'area', p),
    })),
    alerts,
    coverage,
    background: list(root, 'background', (o, p): BackgroundLayer => ({
      name: str(o, 'name', p), lines: paths(o, 'lines_en_m', p, 2), polygons: paths(o, 'polygons_en_m', p, 3),
    })),
  };
}
