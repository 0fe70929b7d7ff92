// Geometry helpers: time lookup on trails, bounds, ellipses, nice ticks.

import type { Trail, Vec2 } from './data';

/** χ²(2 dof) quantile at 0.95: the 95 % ellipse of a 2-D Gaussian. */
export const CHI2_2_95 = 5.991;

/** Index of the last element of sorted `ts` that is ≤ t, or −1. */
export function indexAt(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length; // invariant: ts[lo-1] <= t < ts[hi]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the last element of a list sorted by `t` that is ≤ t, or −1. */
export function indexAtBy<T extends { t: number }>(xs: readonly T[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid].t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export interface Point { e: number; n: number }

/**
 * Position on the trail at time t, interpolated linearly between samples
 * and held at the ends. `k` is indexAt(trail.t, t). Returns false for an
 * empty trail.
 */
export function positionAt(tr: Trail, t: number, k: number, out: Point): boolean {
  const len = tr.t.length;
  if (len === 0) return false;
  if (k < 0) {
    out.e = tr.e[0];
    out.n = tr.n[0];
  } else if (k >= len - 1) {
    out.e = tr.e[len - 1];
    out.n = tr.n[len - 1];
  } else {
    const t0 = tr.t[k];
    const dt = tr.t[k + 1] - t0;
    const f = dt > 0 ? (t - t0) / dt : 0;
    out.e = tr.e[k] + f * (tr.e[k + 1] - tr.e[k]);
    out.n = tr.n[k] + f * (tr.n[k + 1] - tr.n[k]);
  }
  return true;
}

export class Bounds {
  minE = Infinity;
  maxE = -Infinity;
  minN = Infinity;
  maxN = -Infinity;

  add(e: number, n: number): void {
    if (!Number.isFinite(e) || !Number.isFinite(n)) return;
    if (e < this.minE) this.minE = e;
    if (e > this.maxE) this.maxE = e;
    if (n < this.minN) this.minN = n;
    if (n > this.maxN) this.maxN = n;
  }
  addPoints(ps: readonly Vec2[]): void {
    for (const p of ps) this.add(p[0], p[1]);
  }
  addTrail(tr: Trail): void {
    for (let i = 0; i < tr.t.length; ++i) this.add(tr.e[i], tr.n[i]);
  }
  addCircle(c: Vec2, r: number): void {
    this.add(c[0] - r, c[1] - r);
    this.add(c[0] + r, c[1] + r);
  }
  get empty(): boolean {
    return !(this.minE <= this.maxE && this.minN <= this.maxN);
  }
}

export interface Ellipse { rx: number; ry: number; angleDeg: number }

/**
 * Semi-axes and orientation (degrees counter-clockwise from east) of the
 * ellipse {x : xᵀ C⁻¹ x ≤ scale} for the covariance C = [[ee, en], [en, nn]].
 */
export function covarianceEllipse(ee: number, en: number, nn: number, scale: number): Ellipse {
  const mean = 0.5 * (ee + nn);
  const d = Math.hypot(0.5 * (ee - nn), en);
  const l1 = Math.max(0, mean + d);
  const l2 = Math.max(0, mean - d);
  return {
    rx: Math.sqrt(scale * l1),
    ry: Math.sqrt(scale * l2),
    angleDeg: (0.5 * Math.atan2(2 * en, ee - nn) * 180) / Math.PI,
  };
}

/** A "nice" step (1, 2 or 5 × 10^k) near span / count. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/** Area-weighted centroid of a simple polygon (vertex mean if degenerate). */
export function centroid(poly: readonly Vec2[]): Vec2 {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < poly.length; ++i) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % poly.length];
    const c = x0 * y1 - x1 * y0;
    a += c;
    cx += (x0 + x1) * c;
    cy += (y0 + y1) * c;
  }
  if (Math.abs(a) < 1e-9) {
    const m = poly.reduce((s, p) => [s[0] + p[0], s[1] + p[1]] as Vec2, [0, 0] as Vec2);
    return [m[0] / poly.length, m[1] / poly.length];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** Squared distance from point p to segment ab (all in the same units). */
export function segmentDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const l2 = dx * dx + dy * dy;
  let f = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  f = Math.max(0, Math.min(1, f));
  const qx = ax + f * dx - px;
  const qy = ay + f * dy - py;
  return qx * qx + qy * qy;
}

/** Whether t lies in one of the sorted [on, off) intervals. */
export function inIntervals(iv: readonly { on: number; off: number }[] | undefined, t: number): boolean {
  if (!iv) return false;
  for (const x of iv) {
    if (x.on > t) return false;
    if (t < x.off) return true;
  }
  return false;
}
