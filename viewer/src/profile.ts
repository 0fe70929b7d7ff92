// The altitude–range profile of the selected rocket (#cv-profile): its truth
// trail and its interceptors' trails as altitude against ground range from
// the rocket's launch point, with a cursor at the current time.
//
// As on the map, the curves are drawn in metres (range, altitude) under one
// matrix with non-scaling strokes; the cursor and intercept marks are in
// view units, placed from the same matrix.

import type { Intercept, Interceptor, Replay, Rocket, Trail } from './data';
import { indexAt, niceStep } from './geometry';
import { html, setShown, svg } from './svg';

/** Height of the plot's viewBox; its width is the panel's (one view unit per CSS pixel). */
const H = 260;
const MIN_W = 360;

/** A trail as ground range from (e0, n0) and altitude, per sample. */
interface Curve { t: Float64Array; range: Float64Array; alt: Float64Array }

function curve(tr: Trail, e0: number, n0: number): Curve {
  const n = tr.t.length;
  const c: Curve = { t: tr.t, range: new Float64Array(n), alt: tr.u };
  for (let i = 0; i < n; ++i) c.range[i] = Math.hypot(tr.e[i] - e0, tr.n[i] - n0);
  return c;
}

/**
 * Ground range from (e0, n0) and altitude at time t, the position
 * interpolated linearly in e, n and u; null outside the trail.
 */
export function rangeAltAt(tr: Trail, t: number, e0: number, n0: number): [number, number] | null {
  const len = tr.t.length;
  if (len === 0 || t < tr.t[0] || t > tr.t[len - 1]) return null;
  const k = Math.min(Math.max(indexAt(tr.t, t), 0), len - 1);
  const k1 = Math.min(k + 1, len - 1);
  const dt = tr.t[k1] - tr.t[k];
  const f = dt > 0 ? (t - tr.t[k]) / dt : 0;
  const e = tr.e[k] + f * (tr.e[k1] - tr.e[k]);
  const n = tr.n[k] + f * (tr.n[k1] - tr.n[k]);
  const u = tr.u[k] + f * (tr.u[k1] - tr.u[k]);
  return [Math.hypot(e - e0, n - n0), u];
}

interface Cursor { trail: Trail; t0: number; t1: number; el: SVGCircleElement; shown: boolean }

export class ProfileView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly clock: HTMLElement;
  private readonly svg: SVGSVGElement;
  private rocket: Rocket | null = null;
  private W = 800;
  private readonly PLOT = { x0: 50, y0: 12, x1: 800 - 14, y1: H - 34 };
  private time = 0;
  private cursors: Cursor[] = [];
  private e0 = 0;
  private n0 = 0;
  private sx = 1;
  private sy = 1;
  /** Lowest altitude shown (a trail may start a little below 0). */
  private minU = 0;

  constructor(parent: HTMLElement, private readonly data: Replay) {
    this.root = html('section', { id: 'cv-profile', class: 'cv-panel cv-profile', hidden: '' }, parent);
    const head = html('div', { class: 'cv-panel-head' }, this.root);
    this.title = html('h3', { class: 'cv-panel-title' }, head);
    this.clock = html('span', { class: 'cv-profile-clock' }, head);
    this.svg = svg('svg', { class: 'cv-profile-svg', role: 'img', 'aria-label': 'Altitude against ground range' }, this.root);
    html('p', { class: 'cv-note' }, this.root,
      'Altitude against ground range from the rocket\u2019s launch point: red, the rocket (truth); green, its interceptors; ' +
      '\u2726 kill, \u00d7 miss; dots: now.');
  }

  /** Shows the profile of rocket r (null: hides the panel). */
  show(r: Rocket | null): void {
    this.rocket = r;
    this.svg.replaceChildren();
    this.cursors = [];
    if (!r || r.trail.t.length === 0) {
      this.root.hidden = true;
      this.root.removeAttribute('data-selected');
      return;
    }
    this.root.hidden = false;
    this.root.setAttribute('data-selected', String(r.id));
    this.W = Math.max(MIN_W, Math.floor(this.svg.parentElement?.clientWidth ?? 0) - 20);
    const PLOT = this.PLOT;
    PLOT.x1 = this.W - 14;
    this.svg.setAttribute('viewBox', `0 0 ${this.W} ${H}`);
    this.svg.setAttribute('width', String(this.W));
    this.svg.setAttribute('height', String(H));
    this.title.textContent = `Profile · rocket ${r.id}${r.type ? ` · ${r.type}` : ''}`;
    const d = this.data;
    this.e0 = r.trail.e[0];
    this.n0 = r.trail.n[0];
    const rocketCurve = curve(r.trail, this.e0, this.n0);
    const interceptors: Interceptor[] = d.interceptors.filter((i) => i.rocket === r.id && i.trail.t.length > 0);
    const intCurves = interceptors.map((i) => curve(i.trail, this.e0, this.n0));
    const intercepts: Intercept[] = d.intercepts.filter((x) => x.rocket === r.id);

    let maxR = 1000;
    let maxU = 500;
    let minU = 0;
    for (const c of [rocketCurve, ...intCurves]) {
      for (let i = 0; i < c.t.length; ++i) {
        maxR = Math.max(maxR, c.range[i]);
        maxU = Math.max(maxU, c.alt[i]);
        minU = Math.min(minU, c.alt[i]);
      }
    }
    for (const x of intercepts) maxU = Math.max(maxU, x.u);
    maxR *= 1.04;
    maxU *= 1.1;
    this.minU = minU < 0 ? minU - 0.02 * maxU : 0;
    this.sx = (PLOT.x1 - PLOT.x0) / maxR;
    this.sy = (PLOT.y1 - PLOT.y0) / (maxU - this.minU);

    // Grid and axes (km).
    const grid = svg('g', { class: 'cv-grid' }, this.svg);
    const axes = svg('g', { class: 'cv-axes' }, this.svg);
    const xs = niceStep(maxR / 1000, 8);
    for (let k = 0; k <= maxR / 1000 + 1e-9; k += xs) {
      const x = this.x(k * 1000);
      svg('line', { x1: x, x2: x, y1: PLOT.y0, y2: PLOT.y1 }, grid);
      svg('text', { x, y: PLOT.y1 + 14, class: 'cv-tick-x' }, axes).textContent = fmtKm(k, xs);
    }
    const ys = niceStep(maxU / 1000, 5);
    for (let k = 0; k <= maxU / 1000 + 1e-9; k += ys) {
      const y = this.y(k * 1000);
      svg('line', { x1: PLOT.x0, x2: PLOT.x1, y1: y, y2: y }, grid);
      svg('text', { x: PLOT.x0 - 6, y: y + 3.5, class: 'cv-tick-y' }, axes).textContent = fmtKm(k, ys);
    }
    svg('rect', { class: 'cv-frame', x: PLOT.x0, y: PLOT.y0, width: PLOT.x1 - PLOT.x0, height: PLOT.y1 - PLOT.y0 }, axes);
    svg('text', { class: 'cv-axis-title', x: (PLOT.x0 + PLOT.x1) / 2, y: H - 4 }, axes).textContent = 'ground range from launch (km)';
    svg('text', {
      class: 'cv-axis-title', x: 0, y: 0, transform: `translate(12 ${(PLOT.y0 + PLOT.y1) / 2}) rotate(-90)`,
    }, axes).textContent = 'altitude (km)';

    // Curves in metres.
    const world = svg('g', {
      class: 'cv-profile-data', transform: `matrix(${this.sx} 0 0 ${-this.sy} ${PLOT.x0} ${PLOT.y1 + this.sy * this.minU})`,
    }, this.svg);
    const pts = (c: Curve): string => {
      let s = '';
      for (let i = 0; i < c.t.length; ++i) s += `${c.range[i].toFixed(1)},${c.alt[i].toFixed(1)} `;
      return s.trimEnd();
    };
    interceptors.forEach((it, i) => {
      svg('polyline', { class: 'cv-prof-int', points: pts(intCurves[i]), 'data-profile-interceptor': it.id }, world);
    });
    svg('polyline', { class: 'cv-prof-rocket', points: pts(rocketCurve), 'data-profile-rocket': r.id }, world);

    // Marks and cursors in view units.
    const marks = svg('g', { class: 'cv-profile-marks' }, this.svg);
    for (const x of intercepts) {
      const g = svg('g', {
        class: x.killed ? 'cv-kill' : 'cv-miss', 'data-profile-intercept': x.interceptor,
        transform: `translate(${this.x(Math.hypot(x.p[0] - this.e0, x.p[1] - this.n0)).toFixed(1)} ${this.y(x.u).toFixed(1)})`,
      }, marks);
      svg('path', {
        d: x.killed ? 'M0,-7 L1.8,-1.8 L7,0 L1.8,1.8 L0,7 L-1.8,1.8 L-7,0 L-1.8,-1.8 Z' : 'M-4.5,-4.5 L4.5,4.5 M-4.5,4.5 L4.5,-4.5',
      }, g);
      svg('title', {}, g).textContent = `Interceptor ${x.interceptor} ${x.killed ? 'killed' : 'missed'} at ${x.t.toFixed(1)} s, ` +
        `${(x.u / 1000).toFixed(2)} km up`;
    }
    interceptors.forEach((it) => {
      const el = svg('circle', { class: 'cv-prof-cur-int', r: 3.5, 'data-cursor-interceptor': it.id }, marks);
      this.cursors.push({ trail: it.trail, t0: it.tFire, t1: it.tEnd, el, shown: true });
    });
    const el = svg('circle', { class: 'cv-prof-cur-rocket', r: 4.5, 'data-cursor': 'rocket' }, marks);
    this.cursors.push({ trail: r.trail, t0: r.tLaunch, t1: r.tEnd, el, shown: true });
  }

  private x(range: number): number { return this.PLOT.x0 + this.sx * range; }
  private y(alt: number): number { return this.PLOT.y1 - this.sy * (alt - this.minU); }

  /** Redraws at the panel's width when it changed. */
  resize(): void {
    if (!this.rocket || this.root.hidden) return;
    const w = Math.max(MIN_W, Math.floor(this.root.clientWidth) - 20);
    if (Math.abs(w - this.W) < 1) return;
    this.show(this.rocket);
    this.update(this.time);
  }

  /** Moves the cursors to time t. */
  update(t: number): void {
    this.time = t;
    if (!this.rocket) return;
    this.clock.textContent = `t = ${t.toFixed(1)} s`;
    for (const c of this.cursors) {
      const p = t >= c.t0 && t <= c.t1 ? rangeAltAt(c.trail, t, this.e0, this.n0) : null;
      const shown = p !== null;
      if (shown !== c.shown) {
        c.shown = shown;
        setShown(c.el, shown);
      }
      if (p) {
        c.el.setAttribute('cx', this.x(p[0]).toFixed(1));
        c.el.setAttribute('cy', this.y(p[1]).toFixed(1));
      }
    }
  }
}

function fmtKm(k: number, step: number): string {
  return Math.abs(k) < 1e-9 ? '0' : k.toFixed(step < 1 ? (step < 0.1 ? 2 : 1) : 0);
}
