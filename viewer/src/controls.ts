// Playback controls: play/pause, speed, time slider and clock.

import { html } from './svg';

export const SPEEDS = [1, 5, 10, 30, 60] as const;
const DEFAULT_SPEED = 10;

export class Controls {
  readonly root: HTMLDivElement;
  private readonly play: HTMLButtonElement;
  private readonly speed: HTMLSelectElement;
  private readonly slider: HTMLInputElement;
  private readonly clock: HTMLSpanElement;
  private playing = false;
  private lastFrame = 0;
  private raf = 0;

  /**
   * @param end  last simulated time, s
   * @param now  current time getter
   * @param seek sets the time (and renders)
   */
  constructor(
    parent: HTMLElement,
    private readonly end: number,
    private readonly now: () => number,
    private readonly seek: (t: number) => void,
  ) {
    this.root = html('div', { class: 'cv-controls' }, parent);
    this.play = html('button', { type: 'button', id: 'cv-play', class: 'cv-btn', 'aria-label': 'Play' }, this.root);
    this.speed = html('select', { id: 'cv-speed', class: 'cv-select', 'aria-label': 'Playback speed' }, this.root);
    for (const s of SPEEDS) {
      const o = html('option', { value: s }, this.speed, `${s}×`);
      if (s === DEFAULT_SPEED) o.selected = true;
    }
    this.slider = html('input', {
      type: 'range', id: 'cv-time', class: 'cv-slider', min: 0, max: Math.max(end, 0.1).toFixed(1), step: 0.1, value: 0,
      'aria-label': 'Simulated time',
    }, this.root);
    this.clock = html('span', { id: 'cv-clock', class: 'cv-clock', 'aria-live': 'off' }, this.root);
    this.setPlaying(false);

    this.play.addEventListener('click', () => this.toggle());
    this.slider.addEventListener('input', () => {
      this.seek(Number(this.slider.value));
    });
  }

  /**
   * Keyboard shortcuts while focus is in the viewer (not in a form field):
   * space plays/pauses, ←/→ step 1 s (10 s with Shift).
   */
  bindKeys(scope: HTMLElement): void {
    scope.addEventListener('keydown', (ev) => {
      const tag = ev.target instanceof HTMLElement ? ev.target.tagName : '';
      if (tag === 'INPUT' || tag === 'SELECT' || tag === 'BUTTON' || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      if (ev.key === ' ') this.toggle();
      else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
        const step = (ev.shiftKey ? 10 : 1) * (ev.key === 'ArrowLeft' ? -1 : 1);
        this.seek(Math.min(Math.max(this.now() + step, 0), this.end));
      } else return;
      ev.preventDefault();
    });
  }

  toggle(): void {
    if (!this.playing && this.now() >= this.end) this.seek(0); // replay from the start
    this.setPlaying(!this.playing);
  }

  private setPlaying(on: boolean): void {
    this.playing = on;
    this.play.textContent = on ? '❚❚' : '▶';
    this.play.setAttribute('aria-label', on ? 'Pause' : 'Play');
    this.play.classList.toggle('cv-playing', on);
    cancelAnimationFrame(this.raf);
    if (on) {
      this.lastFrame = performance.now();
      this.raf = requestAnimationFrame((ts) => this.frame(ts));
    }
  }

  private frame(ts: number): void {
    if (!this.playing) return;
    const dt = Math.min(Math.max(ts - this.lastFrame, 0), 250) / 1000; // no jump after a hidden tab
    this.lastFrame = ts;
    const t = Math.min(this.now() + dt * Number(this.speed.value), this.end);
    this.seek(t);
    if (t >= this.end) this.setPlaying(false);
    else this.raf = requestAnimationFrame((x) => this.frame(x));
  }

  /** Reflects time t in the slider and clock (called by the viewer). */
  show(t: number): void {
    if (document.activeElement !== this.slider || this.playing) this.slider.value = t.toFixed(1);
    this.clock.textContent = `t = ${t.toFixed(1)} s / ${this.end.toFixed(1)} s`;
  }
}
