// The layer switches (a panel of checkboxes): the user's background,
// radar coverage, battery footprints (one rocket type at a time) and the
// map's own layers. Inputs carry data-layer-toggle="<layer>", the map's
// groups data-layer="<layer>".

import type { Replay } from './data';
import type { LayerName, MapView } from './map';
import { html } from './svg';

interface Entry { layer: LayerName; label: string; count: number; none?: string }

export function buildLayerPanel(parent: HTMLElement, map: MapView, data: Replay): HTMLElement {
  const sec = html('section', { class: 'cv-panel cv-layers', id: 'cv-layers' }, parent);
  html('h3', { class: 'cv-panel-title' }, sec, 'Layers');
  const types = [...new Set(data.coverage.footprints.map((f) => f.rocketType))];
  const entries: Entry[] = [
    {
      layer: 'background', label: data.background.length > 0 ? `Background (${data.background.map((b) => b.name).join(', ')})` : 'Background',
      count: data.background.length, none: 'none: canopy report --background FILE.geojson',
    },
    { layer: 'coverage-radars', label: 'Radar coverage', count: data.coverage.radars.length, none: 'none in this report' },
    { layer: 'footprints', label: 'Battery footprints', count: data.coverage.footprints.length, none: 'none in this report' },
    { layer: 'areas', label: 'Defended areas', count: data.areas.length },
    { layer: 'zones', label: 'Alert zones', count: data.zones.length },
    { layer: 'sites', label: 'Launch sites', count: data.sites.length },
    { layer: 'tracks', label: 'Tracks', count: data.tracks.length },
    { layer: 'predictions', label: 'Impact predictions', count: data.predictionCount },
    { layer: 'labels', label: 'Labels', count: 1 },
  ];
  const ul = html('ul', { class: 'cv-layer-list' }, sec);
  for (const e of entries) {
    const li = html('li', {}, ul);
    const lab = html('label', { class: 'cv-check' }, li);
    const box = html('input', { type: 'checkbox', 'data-layer-toggle': e.layer }, lab);
    box.checked = true;
    lab.append(` ${e.label}`);
    if (e.count === 0 && e.none) {
      box.disabled = true;
      html('span', { class: 'cv-layer-none' }, lab, ` (${e.none})`);
    }
    box.addEventListener('change', () => map.setLayer(e.layer, box.checked));
    if (e.layer === 'footprints' && types.length > 0) {
      // One rocket type at a time (footprints of several overlap), or all.
      const sel = html('select', { class: 'cv-select cv-fp-type', 'data-footprint-type': '', 'aria-label': 'Footprints for rocket type' }, li);
      for (const t of types) html('option', { value: t }, sel, t);
      html('option', { value: '' }, sel, 'all types');
      sel.value = types[0];
      map.setFootprintType(types[0]);
      sel.addEventListener('change', () => map.setFootprintType(sel.value));
    }
  }
  return sec;
}
