// Label placement: greedy, by rank, among candidate offsets around each
// anchor, so that no label covers another label or a marker. A label with
// no free place is hidden.

/** A box in view units: top-left corner and size. */
export interface Box { x: number; y: number; w: number; h: number }

export interface LabelSpec {
  /** Lower ranks are placed first (and so win). */
  rank: number;
  /** View units between the anchor and the label's nearest edge when beside it (the marker's half-size). */
  gap: number;
  /** The first candidate tried. */
  prefer: 'center' | 'above' | 'below';
  /** The text's box at offset (0, 0), measured once (getBBox). */
  bbox: Box | null;
  /** Results: offset of the text from its anchor, and whether it is shown. */
  dx: number;
  dy: number;
  shown: boolean;
}

/** Room kept around a label: its halo (a 3 px stroke) and a pixel. */
export const LABEL_PAD = 2;

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Candidate centres of the label relative to its anchor, best first. */
function candidates(l: LabelSpec, w: number, h: number): [number, number][] {
  const g = l.gap;
  const above: [number, number] = [0, -(g + h / 2 + 1)];
  const below: [number, number] = [0, g + h / 2 + 1];
  const right: [number, number] = [g + w / 2 + 2, 0];
  const left: [number, number] = [-(g + w / 2 + 2), 0];
  const diag: [number, number][] = [
    [g + w / 2, -(g + h / 2)], [-(g + w / 2), -(g + h / 2)], [g + w / 2, g + h / 2], [-(g + w / 2), g + h / 2],
  ];
  const far: [number, number][] = [[0, -(g + 1.5 * h + 3)], [0, g + 1.5 * h + 3]];
  const near = l.prefer === 'below' ? [below, above] : [above, below];
  return l.prefer === 'center'
    ? [[0, 0], ...near, right, left, ...diag, ...far]
    : [...near, right, left, ...diag, ...far];
}

/**
 * Places `labels` (anchors in view units, in the same order) so that no two
 * shown labels' boxes, padded by LABEL_PAD, overlap, nor any obstacle.
 * Sets dx, dy and shown on each.
 */
export function placeLabels(labels: LabelSpec[], anchors: readonly { x: number; y: number }[], obstacles: readonly Box[]): void {
  const order = labels.map((_, i) => i).sort((a, b) => labels[a].rank - labels[b].rank || a - b);
  const taken: Box[] = [...obstacles];
  for (const i of order) {
    const l = labels[i];
    const b = l.bbox;
    l.shown = false;
    if (!b || b.w === 0) continue;
    const a = anchors[i];
    // Offset that centres the measured box on the anchor.
    const cx = -(b.x + b.w / 2);
    const cy = -(b.y + b.h / 2);
    for (const [ox, oy] of candidates(l, b.w, b.h)) {
      const box: Box = {
        x: a.x + ox - b.w / 2 - LABEL_PAD, y: a.y + oy - b.h / 2 - LABEL_PAD, w: b.w + 2 * LABEL_PAD, h: b.h + 2 * LABEL_PAD,
      };
      if (taken.some((t) => overlaps(t, box))) continue;
      taken.push(box);
      l.dx = ox + cx;
      l.dy = oy + cy;
      l.shown = true;
      break;
    }
  }
}
