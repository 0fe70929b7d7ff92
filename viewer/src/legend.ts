// Legend and the live status panel.

import type { Status } from './map';
import { html, svg } from './svg';

type Swatch = (g: SVGGElement) => void;

const ENTRIES: [string, Swatch][] = [
  ['Defended area', (g) => svg('rect', { class: 'cv-area', x: 3, y: 2, width: 20, height: 12 }, g)],
  ['Alert zone', (g) => svg('rect', { class: 'cv-zone', x: 3, y: 2, width: 20, height: 12 }, g)],
  ['Zone under alert', (g) => svg('rect', { class: 'cv-zone cv-lit', x: 3, y: 2, width: 20, height: 12 }, g)],
  ['Launch site', (g) => svg('circle', { class: 'cv-site', cx: 13, cy: 8, r: 6 }, g)],
  ['Battery · launcher', (g) => {
    svg('rect', { class: 'cv-battery-s', x: 4, y: 3, width: 10, height: 10 }, g);
    svg('circle', { class: 'cv-launcher-s', cx: 20, cy: 8, r: 2.2 }, g);
  }],
  ['Sensor', (g) => svg('path', { class: 'cv-sensor-s', d: 'M13,1.5 L19,13.5 L7,13.5 Z' }, g)],
  ['Radar coverage', (g) => svg('path', { class: 'cv-radar-cov', d: 'M2,14 L13,1 L24,14 Z' }, g)],
  ['Battery footprint', (g) => svg('rect', { class: 'cv-footprint', x: 3, y: 2, width: 20, height: 12, rx: 5 }, g)],
  ['Background (GeoJSON)', (g) => {
    svg('rect', { class: 'cv-bgpoly', x: 12, y: 2, width: 12, height: 12 }, g);
    svg('polyline', { class: 'cv-bgline', points: '2,14 6,8 4,2' }, g);
  }],
  ['Rocket (truth)', (g) => {
    svg('polyline', { class: 'cv-rtrail', points: '2,13 10,6 17,5' }, g);
    svg('circle', { class: 'cv-dot-s', cx: 19, cy: 5, r: 3.4 }, g);
  }],
  ['Track (estimate)', (g) => svg('polyline', { class: 'cv-track', points: '2,12 12,6 24,4' }, g)],
  ['Predicted impact, 95 %', (g) => svg('ellipse', { class: 'cv-pred', cx: 13, cy: 8, rx: 10, ry: 5, transform: 'rotate(-20 13 8)' }, g)],
  ['Interceptor', (g) => {
    svg('polyline', { class: 'cv-itrail', points: '2,13 12,7 16,6' }, g);
    svg('path', { class: 'cv-int-s', d: 'M19,2 L23,6 L19,10 L15,6 Z' }, g);
  }],
  ['Intercept: kill', (g) => svg('path', { class: 'cv-kill-s', d: 'M13,1 L14.8,6.2 L20,8 L14.8,9.8 L13,15 L11.2,9.8 L6,8 L11.2,6.2 Z' }, g)],
  ['Intercept: miss', (g) => svg('path', { class: 'cv-miss-s', d: 'M8.5,3.5 L17.5,12.5 M8.5,12.5 L17.5,3.5' }, g)],
  ['Impact in area', (g) => svg('circle', { class: 'cv-impact-area-s', cx: 13, cy: 8, r: 5 }, g)],
  ['Impact, open ground', (g) => svg('circle', { class: 'cv-impact-open-s', cx: 13, cy: 8, r: 4 }, g)],
];

export function buildLegend(parent: HTMLElement, onToggleDone: (show: boolean) => void): HTMLElement {
  const sec = html('section', { class: 'cv-panel cv-legend' }, parent);
  html('h3', { class: 'cv-panel-title' }, sec, 'Legend');
  const ul = html('ul', { class: 'cv-legend-list' }, sec);
  for (const [label, draw] of ENTRIES) {
    const li = html('li', {}, ul);
    const s = svg('svg', { class: 'cv-swatch', width: 26, height: 16, viewBox: '0 0 26 16', 'aria-hidden': 'true' }, li);
    draw(svg('g', {}, s));
    html('span', {}, li, label);
  }
  const lab = html('label', { class: 'cv-check' }, sec);
  const box = html('input', { type: 'checkbox', id: 'cv-show-done' }, lab);
  box.checked = true;
  lab.append(' Show finished trails');
  box.addEventListener('change', () => onToggleDone(box.checked));
  html('p', { class: 'cv-note' }, sec,
    'Click a rocket for its timeline. Drag to pan; click the map, then scroll to zoom; double-click to fit. ' +
    'Space plays or pauses; ←/→ step 1 s (Shift: 10 s).');
  return sec;
}

export class StatusPanel {
  private readonly dl: HTMLDListElement;
  private last = '';
  private readonly cells: HTMLElement[] = [];
  private static readonly ROWS = ['Rockets in flight', 'Launched', 'Interceptors in flight', 'Kills', 'Impacts in areas',
    'Impacts, open ground', 'Zones under alert', 'Impact ellipses shown'];

  constructor(parent: HTMLElement, private readonly totals: { rockets: number; zones: number }) {
    const sec = html('section', { class: 'cv-panel cv-status' }, parent);
    html('h3', { class: 'cv-panel-title' }, sec, 'Now');
    this.dl = html('dl', { class: 'cv-stats' }, sec);
    for (const r of StatusPanel.ROWS) {
      html('dt', {}, this.dl, r);
      this.cells.push(html('dd', {}, this.dl));
    }
  }

  update(s: Status): void {
    const vals = [s.inFlight, `${s.launched} / ${this.totals.rockets}`, s.interceptorsInFlight, s.kills, s.impactsArea,
      s.impactsOpen, `${s.zonesLit} / ${this.totals.zones}`, s.ellipses].map(String);
    const key = vals.join('|');
    if (key === this.last) return;
    this.last = key;
    vals.forEach((v, i) => {
      if (this.cells[i].textContent !== v) this.cells[i].textContent = v;
    });
    this.dl.classList.toggle('cv-alerting', s.zonesLit > 0);
  }
}
