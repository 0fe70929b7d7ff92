// Per-zone alert timelines (#cv-zone-timelines): one row per alert zone
// with a bar for each interval the zone was under alert (replay `alerts`)
// and a cursor at the current time. Clicking a bar goes to its start.

import type { AlertInterval, Replay } from './data';
import { inIntervals, niceStep } from './geometry';
import { html } from './svg';

/** Width of the zone-name column, px (the tracks take the rest). */
const LABEL_W = 64;

export class ZoneTimelines {
  readonly root: HTMLElement;
  private readonly cursor: HTMLElement;
  private readonly rows: { el: HTMLElement; iv: AlertInterval[] | undefined; lit: boolean }[] = [];
  private lastLeft = '';
  private readonly end: number;

  constructor(parent: HTMLElement, data: Replay, seek: (t: number) => void) {
    const end = Math.max(data.simTime, 1e-9);
    this.end = end;
    this.root = html('section', { id: 'cv-zone-timelines', class: 'cv-panel cv-zt' }, parent);
    html('h3', { class: 'cv-panel-title' }, this.root, 'Zone alerts');
    const scroll = html('div', { class: 'cv-zt-scroll' }, this.root);
    const body = html('div', { class: 'cv-zt-body' }, scroll);
    body.style.setProperty('--cv-zt-label', `${LABEL_W}px`);
    const pct = (t: number): string => `${((100 * Math.min(Math.max(t, 0), end)) / end).toFixed(4)}%`;

    for (const z of data.zones) {
      const iv = data.alerts.get(z.id);
      const row = html('div', { class: 'cv-zt-row', 'data-zone': z.id }, body);
      html('span', { class: 'cv-zt-label', title: z.id }, row, z.id);
      const track = html('div', { class: 'cv-zt-track' }, row);
      for (const x of iv ?? []) {
        const bar = html('button', {
          type: 'button', class: 'cv-zt-bar', 'data-on': x.on, 'data-off': x.off,
          title: `${z.id}: under alert ${x.on.toFixed(1)}–${x.off.toFixed(1)} s (${(x.off - x.on).toFixed(1)} s); click to go there`,
        }, track);
        bar.style.left = pct(x.on);
        bar.style.width = `calc(${pct(x.off)} - ${pct(x.on)})`;
        bar.addEventListener('click', () => seek(x.on));
      }
      if (!iv || iv.length === 0) html('span', { class: 'cv-zt-none' }, track, 'no alert');
      this.rows.push({ el: row, iv, lit: false });
    }
    if (data.zones.length === 0) html('p', { class: 'cv-note' }, body, 'The scenario has no alert zones.');

    const axis = html('div', { class: 'cv-zt-row cv-zt-axis', 'aria-hidden': 'true' }, body);
    html('span', { class: 'cv-zt-label' }, axis, 't (s)');
    const ticks = html('div', { class: 'cv-zt-track' }, axis);
    const step = niceStep(end, 8);
    for (let t = 0; t <= end + 1e-9; t += step) {
      const tick = html('span', { class: 'cv-zt-tick' }, ticks, String(Math.round(t * 10) / 10));
      tick.style.left = pct(t);
    }
    this.cursor = html('div', { class: 'cv-zt-cursor', 'aria-hidden': 'true' }, body);
  }

  /** Moves the cursor to time t and marks the zones under alert. */
  update(t: number): void {
    const f = Math.min(Math.max(t / this.end, 0), 1);
    const left = `calc(var(--cv-zt-label) + (100% - var(--cv-zt-label)) * ${f.toFixed(5)})`;
    if (left !== this.lastLeft) {
      this.lastLeft = left;
      this.cursor.style.left = left;
    }
    for (const r of this.rows) {
      const lit = inIntervals(r.iv, t);
      if (lit !== r.lit) {
        r.lit = lit;
        r.el.classList.toggle('cv-zt-lit', lit);
      }
    }
  }
}
