// The SVG map: static geometry drawn once, moving entities updated in place.
//
// Two coordinate systems share the SVG. The world group holds geometry in
// metres (east, north) under one matrix (scale, y flipped, offset), with
// non-scaling strokes, so zooming rewrites a single attribute. Markers and
// labels live in an overlay in view units (the viewBox), positioned from the
// same matrix, so they keep their size at any zoom.
//
// The viewBox is the SVG's size in CSS pixels (one view unit = 1 px): the
// map fills its container's width, its height follows the aspect of the
// data bounds (clamped), and `resize` keeps it so when the container changes.

import type { Intercept, Impact, Interceptor, Prediction, Replay, Rocket, Trail, Vec2 } from './data';
import {
  Bounds, CHI2_2_95, centroid, covarianceEllipse, indexAt, indexAtBy, inIntervals, niceStep, positionAt,
  segmentDist2, type Point,
} from './geometry';
import { type Box, type LabelSpec, placeLabels } from './labels';
import { setShown, svg } from './svg';

/** Margins of the plot rectangle inside the viewBox (room for the axis labels). */
const MARGIN = { left: 52, top: 8, right: 8, bottom: 36 };
/** Height / width of the plot is the data's, clamped to this range. */
const ASPECT_MIN = 0.45;
const ASPECT_MAX = 1.0;
const MIN_W = 320;
const MIN_H = 280;

/** Layers the user can switch (data-layer on their groups). */
export const LAYERS = [
  'background', 'coverage-radars', 'footprints', 'zones', 'areas', 'sites', 'tracks', 'predictions', 'labels',
] as const;
export type LayerName = (typeof LAYERS)[number];

/** A prediction of a track without a trail is dropped after this long. */
const STALE_PREDICTION_S = 3;

const PHASE_BEFORE = 0;
const PHASE_FLIGHT = 1;
const PHASE_DONE = 2;

/** World (metres) → view units: x = ox + s·e, y = oy − s·n. */
class ViewTransform {
  s = 1;
  ox = 0;
  oy = 0;
  x(e: number): number { return this.ox + this.s * e; }
  y(n: number): number { return this.oy - this.s * n; }
  e(x: number): number { return (x - this.ox) / this.s; }
  n(y: number): number { return (this.oy - y) / this.s; }
}

/** A polyline revealed up to the current time, with a cached prefix. */
class GrowingLine {
  k = -2; // index of the last sample in `prefix`
  prefix = '';
  phase = -1;
  constructor(readonly trail: Trail, readonly line: SVGPolylineElement) {}

  /** Points up to sample k, then the interpolated point (if given). */
  update(k: number, cur: Point | null): void {
    const tr = this.trail;
    if (k !== this.k) {
      if (k > this.k && this.k >= -1) {
        let s = this.prefix;
        for (let i = Math.max(0, this.k + 1); i <= k; ++i) s += `${Math.round(tr.e[i])},${Math.round(tr.n[i])} `;
        this.prefix = s;
      } else {
        let s = '';
        for (let i = 0; i <= k; ++i) s += `${Math.round(tr.e[i])},${Math.round(tr.n[i])} `;
        this.prefix = s;
      }
      this.k = k;
    }
    const pts = cur ? `${this.prefix}${Math.round(cur.e)},${Math.round(cur.n)}` : this.prefix;
    this.line.setAttribute('points', pts);
  }
}

interface RocketView { r: Rocket; g: GrowingLine; marker: SVGGElement }
interface TrackView { id: number; rocket: number | null; g: GrowingLine; t0: number; t1: number }
interface PredView { preds: Prediction[]; el: SVGEllipseElement; tEnd: number; rocketEnd: number; idx: number }
interface InterceptorView { it: Interceptor; g: GrowingLine; marker: SVGGElement }
interface EventView { t: number; el: SVGGElement; shown: boolean }
interface Placed { el: SVGGraphicsElement; e: number; n: number }
/** A label of the overlay: its anchor (metres) and its placement. */
interface LabelView extends LabelSpec { el: SVGTextElement; e: number; n: number }

/** Counts for the status panel at the current time. */
export interface Status {
  inFlight: number;
  launched: number;
  interceptorsInFlight: number;
  kills: number;
  impactsArea: number;
  impactsOpen: number;
  zonesLit: number;
  ellipses: number;
}

export class MapView {
  readonly svg: SVGSVGElement;
  private readonly view = new ViewTransform();
  private readonly world: SVGGElement;
  private readonly overlay: SVGGElement;
  private readonly grid: SVGGElement;
  private readonly axes: SVGGElement;
  private readonly scaleBar: SVGGElement;
  private readonly clipRect: SVGRectElement;
  private readonly bgRect: SVGRectElement;
  private readonly fitBounds: Bounds;
  private readonly aspect: number;
  private fitScale = 1;
  /** viewBox size (= CSS pixels) and the plot rectangle inside it. */
  private viewW = 1000;
  private viewH = 640;
  private readonly plot = { x0: 0, y0: 0, x1: 0, y1: 0 };

  private readonly layerGroups = new Map<LayerName, SVGGElement[]>();
  private readonly footprintEls: { type: string; el: SVGPathElement }[] = [];
  private readonly labels: LabelView[] = [];
  /** Screen boxes (view units, relative to their anchor) labels must not cover. */
  private readonly obstacles: { e: number; n: number; r: number }[] = [];
  private labelScale = NaN;

  private readonly zones: { id: string; el: SVGPolygonElement; lit: boolean }[] = [];
  private readonly rockets: RocketView[] = [];
  private readonly rocketById = new Map<number, RocketView>();
  private readonly tracks: TrackView[] = [];
  private readonly preds: PredView[] = [];
  private readonly interceptors: InterceptorView[] = [];
  private readonly events: EventView[] = [];
  private readonly placed: Placed[] = [];
  private readonly moving = new WeakMap<SVGGElement, Point>();

  private time = 0;
  private selected: number | null = null;
  private readonly tmp: Point = { e: 0, n: 0 };

  /** Called when the user selects a rocket (or clears the selection). */
  onSelect: (id: number | null) => void = () => {};

  constructor(parent: HTMLElement, private readonly data: Replay) {
    this.svg = svg('svg', {
      class: 'cv-map', role: 'img', tabindex: 0, 'aria-label': `Replay map of scenario ${data.scenario}`,
    }, parent);
    const defs = svg('defs', {}, this.svg);
    const clip = svg('clipPath', { id: 'cv-clip' }, defs);
    this.clipRect = svg('rect', {}, clip);

    this.bgRect = svg('rect', { class: 'cv-bg' }, this.svg);
    this.grid = svg('g', { class: 'cv-grid', 'clip-path': 'url(#cv-clip)' }, this.svg);
    const clipped = svg('g', { 'clip-path': 'url(#cv-clip)' }, this.svg);
    this.world = svg('g', { class: 'cv-world' }, clipped);
    this.overlay = svg('g', { class: 'cv-overlay' }, clipped);
    this.axes = svg('g', { class: 'cv-axes' }, this.svg);
    this.scaleBar = svg('g', { class: 'cv-scalebar' }, this.svg);

    this.fitBounds = this.computeBounds();
    const b = this.fitBounds;
    this.aspect = Math.min(Math.max(spanOf(b.maxN - b.minN) / spanOf(b.maxE - b.minE), ASPECT_MIN), ASPECT_MAX);
    this.setSize(parent.clientWidth || 1000);
    this.buildStatic();
    this.buildDynamic();
    this.fit();
    this.installInteraction();
  }

  /** The viewBox size for a container `width` CSS pixels wide. */
  private sizeFor(width: number): [number, number] {
    const w = Math.max(MIN_W, Math.floor(width));
    const plotW = w - MARGIN.left - MARGIN.right;
    const maxH = Math.max(MIN_H + 120, Math.round((window.innerHeight || 800) * 0.85));
    const h = Math.min(Math.max(Math.round(plotW * this.aspect) + MARGIN.top + MARGIN.bottom, MIN_H), maxH);
    return [w, h];
  }

  private setSize(width: number): void {
    const [w, h] = this.sizeFor(width);
    this.viewW = w;
    this.viewH = h;
    const p = this.plot;
    p.x0 = MARGIN.left;
    p.y0 = MARGIN.top;
    p.x1 = w - MARGIN.right;
    p.y1 = h - MARGIN.bottom;
    this.svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    this.svg.setAttribute('width', String(w));
    this.svg.setAttribute('height', String(h));
    for (const r of [this.clipRect, this.bgRect]) {
      r.setAttribute('x', String(p.x0));
      r.setAttribute('y', String(p.y0));
      r.setAttribute('width', String(p.x1 - p.x0));
      r.setAttribute('height', String(p.y1 - p.y0));
    }
  }

  /**
   * Follows the container's width (CSS pixels): a new viewBox, the same
   * centre and the same zoom relative to the fit.
   */
  resize(width: number): void {
    if (!(width > 0)) return; // hidden (display: none): keep the last size
    const [w, h] = this.sizeFor(width);
    if (w === this.viewW && h === this.viewH) return;
    const v = this.view;
    const p = this.plot;
    const ce = v.e((p.x0 + p.x1) / 2);
    const cn = v.n((p.y0 + p.y1) / 2);
    const zoom = v.s / this.fitScale;
    this.setSize(width);
    this.fitScale = this.scaleToFit();
    v.s = zoom * this.fitScale;
    v.ox = (p.x0 + p.x1) / 2 - v.s * ce;
    v.oy = (p.y0 + p.y1) / 2 + v.s * cn;
    this.layout();
  }

  /** Size of the viewBox, = CSS pixels of the map. */
  get size(): { width: number; height: number } {
    return { width: this.viewW, height: this.viewH };
  }

  // ---------------------------------------------------------------- building

  private computeBounds(): Bounds {
    const d = this.data;
    const b = new Bounds();
    for (const a of d.areas) b.addPoints(a.polygon);
    for (const z of d.zones) b.addPoints(z.polygon);
    for (const s of d.sites) b.addCircle(s.center, s.radius);
    for (const bt of d.batteries) {
      b.add(bt.position[0], bt.position[1]);
      b.addPoints(bt.launchers);
    }
    for (const s of d.sensors) b.add(s.position[0], s.position[1]);
    for (const r of d.rockets) b.addTrail(r.trail);
    for (const t of d.tracks) b.addTrail(t.trail);
    for (const i of d.interceptors) b.addTrail(i.trail);
    for (const i of d.impacts) b.add(i.p[0], i.p[1]);
    if (b.empty) {
      b.add(-5000, -5000);
      b.add(5000, 5000);
    }
    return b;
  }

  private layer(name: string, parent: SVGGElement, switchable?: LayerName): SVGGElement {
    const g = svg('g', { class: `cv-layer-${name}` }, parent);
    if (switchable) {
      g.setAttribute('data-layer', switchable);
      const l = this.layerGroups.get(switchable);
      if (l) l.push(g);
      else this.layerGroups.set(switchable, [g]);
    }
    return g;
  }

  private place(el: SVGGraphicsElement, p: Vec2): void {
    this.placed.push({ el, e: p[0], n: p[1] });
  }

  /**
   * A label at p (metres). `gap`: view units between the anchor and the
   * nearest edge of the label when it is placed beside it (a marker's size).
   * Lower `rank` is placed first.
   */
  private label(parent: SVGGElement, p: Vec2, text: string, cls: string, rank: number, gap: number, prefer: 'center' | 'below' | 'above'): void {
    const el = svg('text', { class: `cv-label ${cls}` }, parent);
    el.textContent = text;
    this.labels.push({ el, e: p[0], n: p[1], rank, gap, prefer, bbox: null, dx: 0, dy: 0, shown: true });
  }

  /** Shows or hides a switchable layer. */
  setLayer(name: LayerName, shown: boolean): void {
    for (const g of this.layerGroups.get(name) ?? []) setShown(g, shown);
    if (name === 'labels' && shown) {
      this.labelScale = NaN; // re-measure and re-place now that they can be measured
      this.layout();
    }
  }

  /** Shows the footprints of one rocket type, or of all ('' ). */
  setFootprintType(type: string): void {
    for (const f of this.footprintEls) setShown(f.el, type === '' || f.type === type);
  }

  private buildStatic(): void {
    const d = this.data;
    const poly = (p: Vec2[]): string => p.map((q) => `${Math.round(q[0])},${Math.round(q[1])}`).join(' ');
    const pathD = (ps: Vec2[][], close: boolean): string => ps.map((p) =>
      p.map((q, i) => `${i ? 'L' : 'M'}${Math.round(q[0])} ${Math.round(q[1])}`).join('') + (close ? 'Z' : '')).join('');

    // Context under everything: the user's background, radar sectors, footprints.
    const bgL = this.layer('background', this.world, 'background');
    for (const b of d.background) {
      const g = svg('g', { class: 'cv-bglayer', 'data-background': b.name }, bgL);
      if (b.polygons.length > 0) svg('path', { class: 'cv-bgpoly', d: pathD(b.polygons, true) }, g);
      if (b.lines.length > 0) svg('path', { class: 'cv-bgline', d: pathD(b.lines, false) }, g);
    }
    const radarsL = this.layer('coverage-radars', this.world, 'coverage-radars');
    for (const r of d.coverage.radars) {
      const el = svg('polygon', { class: 'cv-radar-cov', points: poly(r.sector), 'data-radar': r.name }, radarsL);
      svg('title', {}, el).textContent = `Radar ${r.name}: coverage${r.maxRange > 0 ? ` to ${(r.maxRange / 1000).toFixed(0)} km` : ''}`;
    }
    const footL = this.layer('footprints', this.world, 'footprints');
    for (const f of d.coverage.footprints) {
      const el = svg('path', {
        class: 'cv-footprint', d: pathD(f.polygons, true), 'data-battery': f.battery, 'data-rocket-type': f.rocketType,
      }, footL);
      svg('title', {}, el).textContent = `Battery ${f.battery}: defends against ${f.rocketType}`;
      this.footprintEls.push({ type: f.rocketType, el });
    }

    const zonesL = this.layer('zones', this.world, 'zones');
    const areasL = this.layer('areas', this.world, 'areas');
    const sitesL = this.layer('sites', this.world, 'sites');

    for (const z of d.zones) {
      const el = svg('polygon', { class: 'cv-zone', points: poly(z.polygon), 'data-zone': z.id }, zonesL);
      this.zones.push({ id: z.id, el, lit: false });
    }
    for (const a of d.areas) svg('polygon', { class: 'cv-area', points: poly(a.polygon), 'data-area': a.name }, areasL);
    for (const s of d.sites) {
      svg('circle', { class: 'cv-site', cx: s.center[0], cy: s.center[1], r: s.radius }, sitesL);
    }

    // Labels and fixed markers in the overlay (view units). Labels are
    // placed by rank where they cover no other label and no marker.
    const labels = this.layer('labels', this.overlay, 'labels');
    for (const a of d.areas) this.label(labels, centroid(a.polygon), a.name, 'cv-area-label', 0, 0, 'center');
    for (const b of d.batteries) this.label(labels, b.position, b.name, 'cv-fixed-label', 1, 8, 'above');
    for (const s of d.sensors) this.label(labels, s.position, s.name, 'cv-fixed-label', 2, 8, 'below');
    for (const s of d.sites) this.label(labels, [s.center[0], s.center[1] + s.radius], s.name, 'cv-site-label', 3, 2, 'above');
    for (const z of d.zones) this.label(labels, centroid(z.polygon), z.id, 'cv-zone-label', 4, 0, 'center');

    const fixed = this.layer('fixed', this.overlay);
    for (const s of d.sensors) {
      const g = svg('g', { class: 'cv-sensor', 'data-sensor': s.name }, fixed);
      svg('path', { d: 'M0,-7 L6.5,5 L-6.5,5 Z' }, g);
      svg('title', {}, g).textContent = `Sensor ${s.name}`;
      this.place(g, s.position);
      this.obstacles.push({ e: s.position[0], n: s.position[1], r: 7 });
    }
    for (const b of d.batteries) {
      for (const l of b.launchers) {
        const g = svg('g', { class: 'cv-launcher' }, fixed);
        svg('circle', { r: 2.2 }, g);
        this.place(g, l);
      }
      const g = svg('g', { class: 'cv-battery', 'data-battery': b.name }, fixed);
      svg('rect', { x: -5.5, y: -5.5, width: 11, height: 11 }, g);
      svg('title', {}, g).textContent = `Battery ${b.name} (${b.launchers.length} launchers)`;
      this.place(g, b.position);
      this.obstacles.push({ e: b.position[0], n: b.position[1], r: 6.5 });
    }
  }

  private buildDynamic(): void {
    const d = this.data;
    const predL = this.layer('predictions', this.world, 'predictions');
    const trackL = this.layer('tracks', this.world, 'tracks');
    const intTrailL = this.layer('interceptor-trails', this.world);
    const rocketTrailL = this.layer('rocket-trails', this.world);
    const eventsL = this.layer('events', this.overlay);
    const intL = this.layer('interceptors', this.overlay);
    const rocketL = this.layer('rockets', this.overlay);
    const rocketEnd = new Map<number, number>();

    // Interceptor trail fallback when the run has none: battery → intercept.
    const interceptByInterceptor = new Map<number, Intercept>();
    for (const x of d.intercepts) if (!interceptByInterceptor.has(x.interceptor)) interceptByInterceptor.set(x.interceptor, x);
    const batteryPos = new Map(d.batteries.map((b) => [b.name, b.position] as const));

    // Rockets: a trail in the world, a marker in the overlay. A killed
    // rocket's trail is extended to the intercept point.
    const killAt = new Map<number, Intercept>();
    for (const x of d.intercepts) if (x.killed && x.rocket !== null && !killAt.has(x.rocket)) killAt.set(x.rocket, x);
    for (const r of d.rockets) {
      const kill = killAt.get(r.id);
      let tr = r.trail;
      if (kill && tr.t.length > 0 && kill.t > tr.t[tr.t.length - 1]) tr = appendSample(tr, kill.t, kill.p, kill.u);
      rocketEnd.set(r.id, r.tEnd);
      const line = svg('polyline', { class: 'cv-rtrail', 'data-trail': r.id }, rocketTrailL);
      const marker = svg('g', { class: 'cv-rocket', 'data-rocket': r.id }, rocketL);
      svg('circle', { class: 'cv-hit', r: 9 }, marker);
      svg('circle', { class: 'cv-dot', r: 3.6 }, marker);
      svg('title', {}, marker).textContent = `Rocket ${r.id} (${r.type || 'rocket'})`;
      marker.style.display = 'none';
      const v = { r, g: new GrowingLine(tr, line), marker };
      this.rockets.push(v);
      this.rocketById.set(r.id, v);
    }

    for (const t of d.tracks) {
      if (t.trail.t.length === 0) continue;
      const line = svg('polyline', { class: 'cv-track', 'data-track': t.id }, trackL);
      line.style.display = 'none';
      this.tracks.push({ id: t.id, rocket: t.rocket, g: new GrowingLine(t.trail, line), t0: t.trail.t[0], t1: t.trail.t[t.trail.t.length - 1] });
    }
    const trackEnd = new Map(this.tracks.map((t) => [t.id, t.t1] as const));
    for (const [track, preds] of d.predictionsByTrack) {
      const el = svg('ellipse', { class: 'cv-pred', 'data-pred-track': track }, predL);
      el.style.display = 'none';
      const r = preds[0].rocket;
      this.preds.push({
        preds, el, idx: -2,
        tEnd: trackEnd.get(track) ?? Infinity,
        rocketEnd: r === null ? Infinity : (rocketEnd.get(r) ?? Infinity),
      });
    }

    for (const it of d.interceptors) {
      let tr = it.trail;
      if (tr.t.length === 0) {
        const from = batteryPos.get(it.battery);
        const to = interceptByInterceptor.get(it.id);
        if (from && to) {
          tr = {
            t: Float64Array.of(it.tFire, to.t), e: Float64Array.of(from[0], to.p[0]), n: Float64Array.of(from[1], to.p[1]),
            u: Float64Array.of(0, to.u),
          };
        }
      }
      const line = svg('polyline', { class: 'cv-itrail', 'data-itrail': it.id }, intTrailL);
      line.style.display = 'none';
      const marker = svg('g', { class: 'cv-interceptor', 'data-interceptor': it.id }, intL);
      svg('path', { d: 'M0,-4.5 L4.5,0 L0,4.5 L-4.5,0 Z' }, marker);
      svg('title', {}, marker).textContent = `Interceptor ${it.id} (${it.battery})`;
      marker.style.display = 'none';
      this.interceptors.push({ it: { ...it, trail: tr }, g: new GrowingLine(tr, line), marker });
    }

    for (const x of d.intercepts) this.events.push(this.interceptMarker(eventsL, x));
    for (const x of d.impacts) this.events.push(this.impactMarker(eventsL, x));
  }

  private interceptMarker(parent: SVGGElement, x: Intercept): EventView {
    const g = svg('g', { class: x.killed ? 'cv-kill' : 'cv-miss', 'data-intercept': x.interceptor }, parent);
    if (x.killed) {
      svg('path', { d: 'M0,-7 L1.8,-1.8 L7,0 L1.8,1.8 L0,7 L-1.8,1.8 L-7,0 L-1.8,-1.8 Z' }, g);
    } else {
      svg('path', { d: 'M-4.5,-4.5 L4.5,4.5 M-4.5,4.5 L4.5,-4.5' }, g);
    }
    const miss = x.missM === null ? '' : `, miss ${x.missM.toFixed(1)} m`;
    svg('title', {}, g).textContent =
      `Interceptor ${x.interceptor} ${x.killed ? 'killed' : 'missed'} rocket ${x.rocket ?? '?'} at ${x.t.toFixed(1)} s${miss}`;
    g.style.display = 'none';
    this.place(g, x.p);
    return { t: x.t, el: g, shown: false };
  }

  private impactMarker(parent: SVGGElement, x: Impact): EventView {
    const g = svg('g', { class: x.area ? 'cv-impact cv-impact-area' : 'cv-impact cv-impact-open', 'data-impact': x.rocket }, parent);
    svg('circle', { r: x.area ? 5 : 4 }, g);
    svg('title', {}, g).textContent = `Rocket ${x.rocket} impact at ${x.t.toFixed(1)} s${x.area ? ` in ${x.area}` : ' (open ground)'}`;
    g.style.display = 'none';
    this.place(g, x.p);
    return { t: x.t, el: g, shown: false };
  }

  // ------------------------------------------------------------ view & axes

  private scaleToFit(): number {
    const b = this.fitBounds;
    const p = this.plot;
    return Math.min((p.x1 - p.x0) / spanOf(b.maxE - b.minE), (p.y1 - p.y0) / spanOf(b.maxN - b.minN));
  }

  /** Fits the view to the scenario's geometry and the trails (not to coverage or background). */
  fit(): void {
    const b = this.fitBounds;
    const p = this.plot;
    const v = this.view;
    v.s = this.scaleToFit();
    this.fitScale = v.s;
    v.ox = (p.x0 + p.x1) / 2 - v.s * (b.minE + b.maxE) / 2;
    v.oy = (p.y0 + p.y1) / 2 + v.s * (b.minN + b.maxN) / 2;
    this.layout();
  }

  private zoomAt(x: number, y: number, factor: number): void {
    const v = this.view;
    const e = v.e(x);
    const n = v.n(y);
    v.s = Math.min(Math.max(v.s * factor, this.fitScale * 0.5), this.fitScale * 200);
    v.ox = x - v.s * e;
    v.oy = y + v.s * n;
    this.layout();
  }

  /** Re-applies the view transform: world matrix, axes, fixed markers, labels. */
  private layout(): void {
    const v = this.view;
    this.world.setAttribute('transform', `matrix(${v.s} 0 0 ${-v.s} ${v.ox} ${v.oy})`);
    for (const p of this.placed) p.el.setAttribute('transform', `translate(${v.x(p.e).toFixed(1)} ${v.y(p.n).toFixed(1)})`);
    this.layoutLabels();
    this.drawAxes();
    this.render(this.time);
  }

  /**
   * Places the labels (greedily, by rank, among candidate offsets, so that
   * none covers another or a marker) when the scale changed; a pan moves
   * them with their anchors.
   */
  private layoutLabels(): void {
    const v = this.view;
    const labelsShown = (this.layerGroups.get('labels') ?? []).every((g) => g.style.display !== 'none');
    if (labelsShown && v.s !== this.labelScale) {
      for (const l of this.labels) {
        if (l.bbox === null || l.bbox.w === 0) {
          setShown(l.el, true);
          l.el.removeAttribute('transform');
          const b = l.el.getBBox();
          l.bbox = { x: b.x, y: b.y, w: b.width, h: b.height };
        }
      }
      if (this.labels.every((l) => l.bbox !== null && l.bbox.w > 0)) {
        const anchors = this.labels.map((l) => ({ x: v.x(l.e), y: v.y(l.n) }));
        const obstacles: Box[] = this.obstacles.map((o) => ({ x: v.x(o.e) - o.r, y: v.y(o.n) - o.r, w: 2 * o.r, h: 2 * o.r }));
        placeLabels(this.labels, anchors, obstacles);
        this.labelScale = v.s;
      }
    }
    for (const l of this.labels) {
      setShown(l.el, l.shown);
      if (l.shown) l.el.setAttribute('transform', `translate(${(v.x(l.e) + l.dx).toFixed(1)} ${(v.y(l.n) + l.dy).toFixed(1)})`);
    }
  }

  private drawAxes(): void {
    const v = this.view;
    const pl = this.plot;
    this.grid.replaceChildren();
    this.axes.replaceChildren();
    this.scaleBar.replaceChildren();
    const e0 = v.e(pl.x0) / 1000;
    const e1 = v.e(pl.x1) / 1000;
    const n0 = v.n(pl.y1) / 1000;
    const n1 = v.n(pl.y0) / 1000;
    const step = niceStep(Math.max(e1 - e0, n1 - n0), 10);
    const fmt = (x: number): string => (Math.abs(x) < 1e-9 ? '0' : x.toFixed(step < 1 ? 1 : 0));

    for (let k = Math.ceil(e0 / step) * step; k <= e1; k += step) {
      const x = v.x(k * 1000);
      svg('line', { x1: x, x2: x, y1: pl.y0, y2: pl.y1 }, this.grid);
      svg('line', { x1: x, x2: x, y1: pl.y1, y2: pl.y1 + 4 }, this.axes);
      svg('text', { x, y: pl.y1 + 15, class: 'cv-tick-x' }, this.axes).textContent = fmt(k);
    }
    for (let k = Math.ceil(n0 / step) * step; k <= n1; k += step) {
      const y = v.y(k * 1000);
      svg('line', { x1: pl.x0, x2: pl.x1, y1: y, y2: y }, this.grid);
      svg('line', { x1: pl.x0 - 4, x2: pl.x0, y1: y, y2: y }, this.axes);
      svg('text', { x: pl.x0 - 7, y: y + 3.5, class: 'cv-tick-y' }, this.axes).textContent = fmt(k);
    }
    svg('rect', { class: 'cv-frame', x: pl.x0, y: pl.y0, width: pl.x1 - pl.x0, height: pl.y1 - pl.y0 }, this.axes);
    svg('text', { class: 'cv-axis-title', x: (pl.x0 + pl.x1) / 2, y: this.viewH - 6 }, this.axes).textContent = 'east (km)';
    svg('text', {
      class: 'cv-axis-title', x: 0, y: 0, transform: `translate(13 ${(pl.y0 + pl.y1) / 2}) rotate(-90)`,
    }, this.axes).textContent = 'north (km)';

    // Scale bar (bottom left, inside the plot) and north arrow (top right).
    const lenKm = niceStep(e1 - e0, 5);
    const w = lenKm * 1000 * v.s;
    const x0 = pl.x0 + 14;
    const y0 = pl.y1 - 16;
    svg('rect', { class: 'cv-scalebar-bg', x: x0 - 8, y: y0 - 17, width: w + 16 + 36, height: 28, rx: 3 }, this.scaleBar);
    for (let i = 0; i < 4; ++i) {
      svg('rect', { class: i % 2 ? 'cv-sb-light' : 'cv-sb-dark', x: x0 + (i * w) / 4, y: y0, width: w / 4, height: 5 }, this.scaleBar);
    }
    svg('text', { class: 'cv-sb-label', x: x0, y: y0 - 4 }, this.scaleBar).textContent = '0';
    svg('text', { class: 'cv-sb-label', x: x0 + w, y: y0 - 4 }, this.scaleBar).textContent = `${fmtKm(lenKm)} km`;
    const na = svg('g', { class: 'cv-north', transform: `translate(${pl.x1 - 20} ${pl.y0 + 30})` }, this.scaleBar);
    svg('path', { d: 'M0,-16 L6,4 L0,0 L-6,4 Z' }, na);
    svg('text', { x: 0, y: 16 }, na).textContent = 'N';
  }

  // --------------------------------------------------------------- rendering

  /** Brings every entity to time t. Cheap: touches only what changes. */
  render(t: number): Status {
    this.time = t;
    const cur = this.tmp;
    const st: Status = {
      inFlight: 0, launched: 0, interceptorsInFlight: 0, kills: 0, impactsArea: 0, impactsOpen: 0, zonesLit: 0, ellipses: 0,
    };

    for (const z of this.zones) {
      const lit = inIntervals(this.data.alerts.get(z.id), t);
      if (lit) st.zonesLit++;
      if (lit !== z.lit) {
        z.lit = lit;
        z.el.classList.toggle('cv-lit', lit);
      }
    }

    for (const rv of this.rockets) {
      const r = rv.r;
      const inFlight = t >= r.tLaunch && (t < r.tEnd || (r.outcome === 'in_flight' && t <= r.tEnd));
      if (t >= r.tLaunch) st.launched++;
      if (inFlight) st.inFlight++;
      const phase = t < r.tLaunch ? PHASE_BEFORE : inFlight ? PHASE_FLIGHT : PHASE_DONE;
      this.moveAlong(rv.g, rv.marker, phase, t, cur);
    }

    for (const tv of this.tracks) {
      const phase = t < tv.t0 ? PHASE_BEFORE : t <= tv.t1 ? PHASE_FLIGHT : PHASE_DONE;
      if (phase === PHASE_FLIGHT) {
        const k = indexAt(tv.g.trail.t, t);
        positionAt(tv.g.trail, t, k, cur);
        tv.g.update(k, cur);
      }
      if (phase !== tv.g.phase) {
        tv.g.phase = phase;
        setShown(tv.g.line, phase === PHASE_FLIGHT);
      }
    }

    for (const pv of this.preds) {
      const i = indexAtBy(pv.preds, t);
      const p = i >= 0 ? pv.preds[i] : null;
      // Alive: within the track's trail, or (no trail) refreshed recently.
      const alive = p !== null && (pv.tEnd < Infinity ? t <= pv.tEnd + 0.5 : t - p.t <= STALE_PREDICTION_S);
      const show = p !== null && alive && t < p.tImpact && t < pv.rocketEnd;
      if (show) st.ellipses++;
      const idx = show ? i : -1;
      if (idx === pv.idx) continue;
      pv.idx = idx;
      setShown(pv.el, show);
      if (p && show) {
        const el = covarianceEllipse(p.cov[0], p.cov[1], p.cov[2], CHI2_2_95);
        pv.el.setAttribute('cx', p.p[0].toFixed(0));
        pv.el.setAttribute('cy', p.p[1].toFixed(0));
        pv.el.setAttribute('rx', Math.max(el.rx, 1).toFixed(1));
        pv.el.setAttribute('ry', Math.max(el.ry, 1).toFixed(1));
        pv.el.setAttribute('transform', `rotate(${el.angleDeg.toFixed(2)} ${p.p[0].toFixed(0)} ${p.p[1].toFixed(0)})`);
      }
    }

    for (const iv of this.interceptors) {
      const it = iv.it;
      const inFlight = t >= it.tFire && t < it.tEnd;
      if (inFlight) st.interceptorsInFlight++;
      const phase = t < it.tFire ? PHASE_BEFORE : inFlight ? PHASE_FLIGHT : PHASE_DONE;
      this.moveAlong(iv.g, iv.marker, phase, t, cur);
    }

    for (const ev of this.events) {
      const shown = t >= ev.t;
      if (shown !== ev.shown) {
        ev.shown = shown;
        setShown(ev.el, shown);
      }
    }
    for (const x of this.data.intercepts) if (x.killed && t >= x.t) st.kills++;
    for (const x of this.data.impacts) {
      if (t >= x.t) {
        if (x.area) st.impactsArea++;
        else st.impactsOpen++;
      }
    }
    return st;
  }

  /** Shared by rockets and interceptors: trail, marker and phase styling. */
  private moveAlong(g: GrowingLine, marker: SVGGElement, phase: number, t: number, cur: Point): void {
    const tr = g.trail;
    if (phase === PHASE_FLIGHT && tr.t.length > 0) {
      const k = indexAt(tr.t, t);
      positionAt(tr, t, k, cur);
      g.update(k, cur);
      const x = this.view.x(cur.e);
      const y = this.view.y(cur.n);
      marker.setAttribute('transform', `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
      const m = this.moving.get(marker);
      if (m) {
        m.e = cur.e;
        m.n = cur.n;
      } else {
        this.moving.set(marker, { e: cur.e, n: cur.n });
      }
    }
    if (phase === g.phase) return;
    if (phase === PHASE_DONE) g.update(tr.t.length - 1, null);
    g.phase = phase;
    setShown(g.line, phase !== PHASE_BEFORE);
    g.line.classList.toggle('cv-done', phase === PHASE_DONE);
    setShown(marker, phase === PHASE_FLIGHT && tr.t.length > 0);
  }

  // ------------------------------------------------------------- selection

  select(id: number | null): void {
    if (id === this.selected) return;
    const old = this.selected === null ? undefined : this.rocketById.get(this.selected);
    if (old) {
      old.g.line.classList.remove('cv-sel');
      old.marker.classList.remove('cv-sel');
    }
    for (const tv of this.tracks) tv.g.line.classList.toggle('cv-sel', id !== null && tv.rocket === id);
    for (const pv of this.preds) pv.el.classList.toggle('cv-sel', id !== null && pv.preds[0].rocket === id);
    const now = id === null ? undefined : this.rocketById.get(id);
    this.selected = now ? id : null;
    if (now) {
      now.g.line.classList.add('cv-sel');
      now.marker.classList.add('cv-sel');
      now.g.line.parentNode?.appendChild(now.g.line); // draw on top
      now.marker.parentNode?.appendChild(now.marker);
    }
    this.svg.classList.toggle('cv-has-sel', this.selected !== null);
    this.onSelect(this.selected);
  }

  /** The rocket nearest the view point (x, y), within `tol` view units. */
  private pick(x: number, y: number, tol: number, showDone: boolean): number | null {
    const v = this.view;
    let best: number | null = null;
    let bestD = tol * tol;
    for (const rv of this.rockets) {
      const phase = rv.g.phase;
      if (phase === PHASE_BEFORE || (phase === PHASE_DONE && !showDone)) continue;
      const tr = rv.g.trail;
      const last = phase === PHASE_FLIGHT ? Math.min(rv.g.k, tr.t.length - 1) : tr.t.length - 1;
      let px = NaN;
      let py = NaN;
      for (let i = 0; i <= last; ++i) {
        const qx = v.x(tr.e[i]);
        const qy = v.y(tr.n[i]);
        const d = i === 0 ? (qx - x) ** 2 + (qy - y) ** 2 : segmentDist2(x, y, px, py, qx, qy);
        if (d < bestD) {
          bestD = d;
          best = rv.r.id;
        }
        px = qx;
        py = qy;
      }
      const m = phase === PHASE_FLIGHT ? this.moving.get(rv.marker) : undefined;
      if (m && last >= 0) {
        const d = segmentDist2(x, y, px, py, v.x(m.e), v.y(m.n));
        if (d < bestD) {
          bestD = d;
          best = rv.r.id;
        }
      }
    }
    return best;
  }

  // ----------------------------------------------------------- interaction

  private toView(ev: { clientX: number; clientY: number }): { x: number; y: number } {
    const m = this.svg.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  }

  private installInteraction(): void {
    let drag: { x: number; y: number; ox: number; oy: number; moved: boolean; id: number } | null = null;
    let suppressClick = false;

    this.svg.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      const p = this.toView(ev);
      drag = { x: p.x, y: p.y, ox: this.view.ox, oy: this.view.oy, moved: false, id: ev.pointerId };
    });
    this.svg.addEventListener('pointermove', (ev) => {
      if (!drag || ev.pointerId !== drag.id) return;
      const p = this.toView(ev);
      const dx = p.x - drag.x;
      const dy = p.y - drag.y;
      if (!drag.moved && dx * dx + dy * dy < 16) return;
      if (!drag.moved) {
        drag.moved = true;
        this.svg.setPointerCapture(ev.pointerId);
        this.svg.classList.add('cv-dragging');
      }
      this.view.ox = drag.ox + dx;
      this.view.oy = drag.oy + dy;
      this.layout();
    });
    const endDrag = (ev: PointerEvent): void => {
      if (!drag || ev.pointerId !== drag.id) return;
      suppressClick = drag.moved;
      if (this.svg.hasPointerCapture(ev.pointerId)) this.svg.releasePointerCapture(ev.pointerId);
      this.svg.classList.remove('cv-dragging');
      drag = null;
    };
    this.svg.addEventListener('pointerup', endDrag);
    this.svg.addEventListener('pointercancel', endDrag);

    this.svg.addEventListener('click', (ev) => {
      if (suppressClick) {
        suppressClick = false;
        return;
      }
      const target = ev.target instanceof Element ? ev.target.closest('[data-rocket]') : null;
      if (target) {
        this.select(Number(target.getAttribute('data-rocket')));
        return;
      }
      const p = this.toView(ev);
      const showDone = !this.svg.closest('.cv-hide-done');
      this.select(this.pick(p.x, p.y, 7, showDone));
    });
    this.svg.addEventListener('dblclick', (ev) => {
      ev.preventDefault();
      this.fit();
    });
    // Wheel zooms once the map has focus (click it first) or with Ctrl, so
    // scrolling the report page past the map is not hijacked.
    this.svg.addEventListener('wheel', (ev) => {
      if (document.activeElement !== this.svg && !ev.ctrlKey && !ev.metaKey) return;
      ev.preventDefault();
      const p = this.toView(ev);
      this.zoomAt(p.x, p.y, Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0015)));
    }, { passive: false });
  }
}

function appendSample(tr: Trail, t: number, p: Vec2, u: number): Trail {
  const n = tr.t.length;
  const out: Trail = { t: new Float64Array(n + 1), e: new Float64Array(n + 1), n: new Float64Array(n + 1), u: new Float64Array(n + 1) };
  out.t.set(tr.t);
  out.e.set(tr.e);
  out.n.set(tr.n);
  out.u.set(tr.u);
  out.t[n] = t;
  out.e[n] = p[0];
  out.n[n] = p[1];
  out.u[n] = u;
  return out;
}

/** A span of the data, padded, never under 1 km. */
function spanOf(d: number): number {
  return Math.max(d, 1000) * 1.06;
}

function fmtKm(km: number): string {
  return km >= 1 ? String(km) : km.toFixed(km >= 0.1 ? 1 : 2);
}
