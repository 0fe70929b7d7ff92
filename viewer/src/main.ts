// Entry point: reads the replay JSON from the page and mounts the viewer in
// #canopy-viewer. Exposes window.canopyViewer for scripting and tests.

import { ReplayError, parseReplay, type Replay } from './data';
import { Controls } from './controls';
import { buildLayerPanel } from './layers';
import { StatusPanel, buildLegend } from './legend';
import { MapView } from './map';
import { ProfileView } from './profile';
import { html } from './svg';
import { injectStyle } from './style';
import { TimelinePanel } from './timeline';
import { ZoneTimelines } from './zones';

/** The side panels go beside the map from this container width (px); below it otherwise. */
const WIDE_PX = 1280;

export interface CanopyViewerApi {
  /** Moves the replay to time t (s, clamped) and renders synchronously. */
  setTime(t: number): void;
  /** The current replay time, s. */
  time(): number;
  /** The parsed replay JSON, as embedded in the page. */
  data: unknown;
}

declare global {
  interface Window { canopyViewer?: CanopyViewerApi }
}

const CONTAINER_ID = 'canopy-viewer';
const DATA_ID = 'canopy-replay';

function readData(): unknown {
  const el = document.getElementById(DATA_ID);
  if (!el) throw new ReplayError(`This page has no replay data (no <script id="${DATA_ID}"> element).`);
  const text = el.textContent ?? '';
  if (text.trim() === '') throw new ReplayError('The replay data element is empty.');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ReplayError(`The replay data is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function mount(host: HTMLElement, replay: Replay, raw: unknown): CanopyViewerApi {
  const root = html('div', { class: 'cv-root' }, host);
  const header = html('div', { class: 'cv-header' }, root);
  html('h2', { class: 'cv-title' }, header, 'Replay');
  const seed = replay.seed === null ? '' : ` · seed ${replay.seed}`;
  html('span', { class: 'cv-sub' }, header,
    `${replay.scenario || 'scenario'}${seed} · ${replay.rockets.length} rockets · ${replay.tracks.length} tracks · ` +
    `${replay.predictionCount} predictions · ${replay.interceptors.length} interceptors`);

  let now = 0;
  const end = replay.simTime;
  const controls = new Controls(root, end, () => now, (t) => setTime(t));
  controls.bindKeys(root);
  // The map takes the container's width; the side panels go beside it
  // only when the container is wide, below it otherwise.
  root.classList.toggle('cv-wide', root.clientWidth >= WIDE_PX);
  const body = html('div', { class: 'cv-body' }, root);
  const mainCol = html('div', { class: 'cv-main' }, body);
  const mapWrap = html('div', { class: 'cv-mapwrap' }, mainCol);
  const views = html('div', { class: 'cv-views' }, mainCol);
  const side = html('aside', { class: 'cv-side' }, body);
  const map = new MapView(mapWrap, replay);
  const status = new StatusPanel(side, { rockets: replay.rockets.length, zones: replay.zones.length });
  const rocketById = new Map(replay.rockets.map((r) => [r.id, r] as const));
  const profile = new ProfileView(views, replay);
  const zones = new ZoneTimelines(views, replay, (t) => setTime(t));

  /** Clamps t to the run and renders everything synchronously. */
  function setTime(t: number): void {
    now = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), end);
    status.update(map.render(now));
    controls.show(now);
    profile.update(now);
    zones.update(now);
  }

  const timeline = new TimelinePanel(side, setTime, () => map.select(null));
  map.onSelect = (id) => {
    const r = id === null ? null : (rocketById.get(id) ?? null);
    timeline.show(r);
    profile.show(r);
    profile.update(now);
  };
  buildLayerPanel(side, map, replay);
  buildLegend(side, (show) => root.classList.toggle('cv-hide-done', !show));

  if (typeof ResizeObserver !== 'undefined') {
    new ResizeObserver(() => {
      root.classList.toggle('cv-wide', root.clientWidth >= WIDE_PX);
      map.resize(mapWrap.clientWidth);
      profile.resize();
    }).observe(root);
  }

  setTime(0);
  return { setTime, time: () => now, data: raw };
}

function showError(host: HTMLElement, e: unknown): void {
  host.replaceChildren();
  injectStyle(host);
  const box = html('div', { class: 'cv-error', role: 'alert' }, host);
  html('strong', {}, box, 'The replay viewer could not start.');
  const msg = e instanceof ReplayError ? e.message : `Internal error: ${e instanceof Error ? e.message : String(e)}`;
  html('span', {}, box, msg);
}

function boot(): void {
  const host = document.getElementById(CONTAINER_ID);
  if (!host) return; // nothing to draw into; never touch the rest of the page
  try {
    const raw = readData();
    const replay = parseReplay(raw);
    host.replaceChildren();
    injectStyle(host);
    window.canopyViewer = mount(host, replay, raw);
  } catch (e) {
    showError(host, e);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
