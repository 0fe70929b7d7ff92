// The selected rocket's timeline panel (#cv-timeline).

import { TIMELINE_KEYS, type Rocket, type TimelineKey } from './data';
import { fmtTime, html } from './svg';

const LABELS: Record<TimelineKey, string> = {
  launch: 'Launch', detected: 'Detected', confirmed: 'Track confirmed', declared: 'Declared threat',
  alerted: 'Alert raised', engaged: 'Engaged (first fire)', intercepted: 'Intercepted', impact: 'Impact',
};

export class TimelinePanel {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly body: HTMLElement;

  constructor(parent: HTMLElement, private readonly seek: (t: number) => void, private readonly close: () => void) {
    this.root = html('section', { id: 'cv-timeline', class: 'cv-panel cv-timeline', hidden: '' }, parent);
    const head = html('div', { class: 'cv-panel-head' }, this.root);
    this.title = html('h3', { class: 'cv-panel-title' }, head);
    const x = html('button', { type: 'button', class: 'cv-close', 'aria-label': 'Close timeline', title: 'Close' }, head, '×');
    x.addEventListener('click', () => this.close());
    this.body = html('div', { class: 'cv-panel-body' }, this.root);
  }

  show(r: Rocket | null): void {
    if (!r) {
      this.root.hidden = true;
      this.root.removeAttribute('data-selected');
      return;
    }
    this.root.hidden = false;
    this.root.setAttribute('data-selected', String(r.id));
    this.title.textContent = `Rocket ${r.id}${r.type ? ` · ${r.type}` : ''}`;
    this.body.replaceChildren();

    const table = html('table', { class: 'cv-tl' }, this.body);
    const tbody = html('tbody', {}, table);
    for (const k of TIMELINE_KEYS) {
      const t = r.timeline[k];
      const tr = html('tr', { 'data-event': k }, tbody);
      html('th', { scope: 'row' }, tr, LABELS[k]);
      const td = html('td', {}, tr);
      if (t === null) {
        td.textContent = '—';
        td.className = 'cv-null';
      } else {
        const b = html('button', { type: 'button', class: 'cv-seek', title: 'Go to this time' }, td, fmtTime(t));
        b.addEventListener('click', () => this.seek(t));
      }
    }
    const outcome = html('tr', { 'data-event': 'outcome' }, tbody);
    html('th', { scope: 'row' }, outcome, 'Outcome');
    html('td', { class: `cv-outcome cv-outcome-${r.outcome}` }, outcome, r.outcome.replace('_', ' '));
    const area = html('tr', { 'data-event': 'area' }, tbody);
    html('th', { scope: 'row' }, area, r.outcome === 'intercepted' ? 'Area (would have hit)' : 'Area');
    html('td', {}, area, r.area ?? 'open ground');

    // Derived figures an analyst asks for first.
    const tl = r.timeline;
    const end = tl.impact ?? tl.intercepted;
    const notes: string[] = [`flight ${(r.tEnd - r.tLaunch).toFixed(1)} s`];
    if (tl.alerted !== null && tl.impact !== null) notes.push(`warning ${(tl.impact - tl.alerted).toFixed(1)} s`);
    if (tl.detected !== null) notes.push(`detect latency ${(tl.detected - r.tLaunch).toFixed(1)} s`);
    if (tl.engaged !== null && end !== null) notes.push(`fire→end ${(end - tl.engaged).toFixed(1)} s`);
    html('p', { class: 'cv-note' }, this.body, notes.join(' · '));
  }
}
