// Tiny DOM helpers.

export const SVG_NS = 'http://www.w3.org/2000/svg';

type Attrs = Record<string, string | number>;

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K, attrs: Attrs = {}, parent?: Element,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const k in attrs) el.setAttribute(k, String(attrs[k]));
  if (parent) parent.appendChild(el);
  return el;
}

export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Attrs = {}, parent?: Element, text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const k in attrs) el.setAttribute(k, String(attrs[k]));
  if (text !== undefined) el.textContent = text;
  if (parent) parent.appendChild(el);
  return el;
}

/** Shows or hides an element, touching the DOM only on change. */
export function setShown(el: SVGElement | HTMLElement, shown: boolean): void {
  const want = shown ? '' : 'none';
  if (el.style.display !== want) el.style.display = want;
}

/** Formats a time in seconds, "—" for null. */
export function fmtTime(t: number | null, digits = 1): string {
  return t === null ? '—' : `${t.toFixed(digits)} s`;
}
