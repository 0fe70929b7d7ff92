// The viewer's stylesheet. Every selector is scoped under #canopy-viewer so
// the report page around it is untouched.

const CSS = `
#canopy-viewer .cv-root{font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2937;background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:10px 12px 12px;box-sizing:border-box;text-align:left}
#canopy-viewer .cv-root *{box-sizing:border-box}
#canopy-viewer .cv-header{display:flex;align-items:baseline;gap:10px;flex-wrap:wrap;margin:0 0 8px}
#canopy-viewer .cv-title{font-size:15px;font-weight:600;margin:0;color:#111827}
#canopy-viewer .cv-sub{color:#6b7280;font-size:12px}
#canopy-viewer .cv-controls{display:flex;align-items:center;gap:8px;margin:0 0 10px;padding:6px 8px;background:#f3f4f6;border:1px solid #e5e7eb;border-radius:6px}
#canopy-viewer .cv-btn{font:inherit;min-width:38px;height:28px;border:1px solid #9ca3af;border-radius:5px;background:#fff;color:#111827;cursor:pointer;padding:0 10px}
#canopy-viewer .cv-btn:hover{background:#eef2ff;border-color:#6366f1}
#canopy-viewer .cv-btn.cv-playing{background:#1f2937;color:#fff;border-color:#1f2937}
#canopy-viewer .cv-select{font:inherit;height:28px;border:1px solid #9ca3af;border-radius:5px;background:#fff;color:#111827;padding:0 4px}
#canopy-viewer .cv-slider{flex:1 1 auto;min-width:120px;accent-color:#4f46e5;margin:0 4px}
#canopy-viewer .cv-clock{font-variant-numeric:tabular-nums;font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12px;min-width:150px;text-align:right;color:#111827}
#canopy-viewer .cv-body{display:block}
#canopy-viewer .cv-wide .cv-body{display:grid;grid-template-columns:minmax(0,1fr) 270px;gap:12px;align-items:start}
#canopy-viewer .cv-main{min-width:0}
#canopy-viewer .cv-mapwrap{width:100%;min-width:0}
#canopy-viewer .cv-views{display:flex;flex-direction:column;gap:10px;margin-top:10px;min-width:0}
#canopy-viewer .cv-side{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:10px;margin-top:10px;align-items:start;min-width:0}
#canopy-viewer .cv-wide .cv-side{display:flex;flex-direction:column;margin-top:0}
#canopy-viewer .cv-panel{border:1px solid #e5e7eb;border-radius:6px;padding:8px 10px;background:#fafafa}
#canopy-viewer .cv-panel-head{display:flex;align-items:center;justify-content:space-between}
#canopy-viewer .cv-panel-title{font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:#4b5563;margin:0 0 6px}
#canopy-viewer .cv-timeline{border-color:#fca5a5;background:#fff7f7}
#canopy-viewer .cv-timeline .cv-panel-title{color:#991b1b;text-transform:none;letter-spacing:0;font-size:14px}
#canopy-viewer .cv-timeline[hidden]{display:none}
#canopy-viewer .cv-close{font:inherit;font-size:16px;line-height:1;border:0;background:none;color:#6b7280;cursor:pointer;padding:0 2px}
#canopy-viewer .cv-close:hover{color:#111827}
#canopy-viewer .cv-tl{border-collapse:collapse;width:100%;margin:0;font-size:12px;border:0;background:none}
#canopy-viewer .cv-tl th,#canopy-viewer .cv-tl td{padding:2px 0;border:0;border-bottom:1px solid #f1e4e4;background:none;text-align:left;font-weight:normal;vertical-align:baseline}
#canopy-viewer .cv-tl th{color:#4b5563;padding-right:8px}
#canopy-viewer .cv-tl td{text-align:right;font-variant-numeric:tabular-nums;color:#111827}
#canopy-viewer .cv-null{color:#9ca3af}
#canopy-viewer .cv-seek{font:inherit;border:0;background:none;padding:0;color:#1d4ed8;cursor:pointer;text-decoration:underline dotted}
#canopy-viewer .cv-outcome{font-weight:600}
#canopy-viewer .cv-outcome-intercepted{color:#15803d}
#canopy-viewer .cv-outcome-impact{color:#b91c1c}
#canopy-viewer .cv-note{margin:6px 0 0;font-size:11.5px;color:#6b7280}
#canopy-viewer .cv-stats{display:grid;grid-template-columns:1fr auto;gap:1px 8px;margin:0;font-size:12px}
#canopy-viewer .cv-stats dt{color:#4b5563;margin:0}
#canopy-viewer .cv-stats dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
#canopy-viewer .cv-stats.cv-alerting dd:nth-of-type(7){color:#b45309}
#canopy-viewer .cv-legend-list{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:1fr;gap:1px;font-size:12px}
#canopy-viewer .cv-legend-list li{display:flex;align-items:center;gap:6px;margin:0;padding:0}
#canopy-viewer .cv-swatch{flex:0 0 auto;overflow:visible}
#canopy-viewer .cv-check{display:flex;align-items:center;gap:4px;margin-top:6px;font-size:12px;cursor:pointer}
#canopy-viewer .cv-layer-list{list-style:none;margin:0;padding:0;font-size:12px}
#canopy-viewer .cv-layer-list li{display:flex;align-items:center;gap:6px;flex-wrap:wrap;margin:0;padding:0}
#canopy-viewer .cv-layer-list .cv-check{margin-top:3px}
#canopy-viewer .cv-layer-none{color:#9ca3af;font-size:11px}
#canopy-viewer .cv-fp-type{height:22px;font-size:11.5px;margin-left:20px}
#canopy-viewer .cv-profile[hidden]{display:none}
#canopy-viewer .cv-profile-clock{font-size:11.5px;color:#6b7280;font-variant-numeric:tabular-nums}
#canopy-viewer .cv-profile-svg{display:block;width:100%;height:auto;background:#fff;border-radius:4px}
#canopy-viewer .cv-profile-data *{vector-effect:non-scaling-stroke}
#canopy-viewer .cv-prof-rocket{fill:none;stroke:#dc2626;stroke-width:2;stroke-linejoin:round}
#canopy-viewer .cv-prof-int{fill:none;stroke:#059669;stroke-width:1.5;stroke-linejoin:round}
#canopy-viewer .cv-prof-cur-rocket{fill:#7f1d1d;stroke:#fde047;stroke-width:2}
#canopy-viewer .cv-prof-cur-int{fill:#059669;stroke:#fff;stroke-width:1.2}
#canopy-viewer .cv-zt-scroll{max-height:280px;overflow-y:auto}
#canopy-viewer .cv-zt-body{position:relative}
#canopy-viewer .cv-zt-row{display:flex;align-items:stretch;height:16px;margin:1px 0}
#canopy-viewer .cv-zt-label{flex:0 0 var(--cv-zt-label);font-size:11px;line-height:16px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;padding-right:6px;color:#4b5563}
#canopy-viewer .cv-zt-track{position:relative;flex:1 1 auto;background:#eef0f3;border-radius:2px}
#canopy-viewer .cv-zt-bar{position:absolute;top:2px;bottom:2px;min-width:2px;margin:0;padding:0;border:0;border-radius:2px;background:#f59e0b;cursor:pointer}
#canopy-viewer .cv-zt-bar:hover{background:#d97706}
#canopy-viewer .cv-zt-lit .cv-zt-label{color:#b45309;font-weight:600}
#canopy-viewer .cv-zt-none{font-size:10px;line-height:16px;color:#9ca3af;padding-left:4px}
#canopy-viewer .cv-zt-axis .cv-zt-track{background:none}
#canopy-viewer .cv-zt-tick{position:absolute;transform:translateX(-50%);font-size:10px;line-height:16px;color:#6b7280;white-space:nowrap}
#canopy-viewer .cv-zt-cursor{position:absolute;top:0;bottom:0;width:0;border-left:1.5px solid #4f46e5;pointer-events:none}
#canopy-viewer .cv-error{border:1px solid #f87171;background:#fef2f2;color:#7f1d1d;border-radius:6px;padding:10px 12px;font:13px/1.45 system-ui,sans-serif}
#canopy-viewer .cv-error strong{display:block;margin-bottom:4px}

#canopy-viewer .cv-map{display:block;width:100%;height:auto;user-select:none;-webkit-user-select:none;cursor:crosshair;touch-action:none;border-radius:4px;outline:none}
#canopy-viewer .cv-map:focus-visible{box-shadow:0 0 0 2px #a5b4fc}
#canopy-viewer .cv-map.cv-dragging{cursor:grabbing}
#canopy-viewer .cv-map text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
#canopy-viewer .cv-bg{fill:#f6f7f4}
#canopy-viewer .cv-grid line{stroke:#e4e7e1;stroke-width:1}
#canopy-viewer .cv-frame{fill:none;stroke:#9ca3af;stroke-width:1}
#canopy-viewer .cv-axes line{stroke:#6b7280;stroke-width:1}
#canopy-viewer .cv-axes text{font-size:11px;fill:#4b5563}
#canopy-viewer .cv-tick-x,#canopy-viewer .cv-axis-title{text-anchor:middle}
#canopy-viewer .cv-tick-y{text-anchor:end}
#canopy-viewer .cv-axis-title{font-size:11.5px;fill:#374151}
#canopy-viewer .cv-scalebar-bg{fill:#fff;fill-opacity:.85;stroke:#d1d5db}
#canopy-viewer .cv-sb-dark{fill:#374151}
#canopy-viewer .cv-sb-light{fill:#fff;stroke:#374151;stroke-width:.8}
#canopy-viewer .cv-sb-label{font-size:10.5px;fill:#111827;text-anchor:middle}
#canopy-viewer .cv-north path{fill:#374151}
#canopy-viewer .cv-north text{font-size:11px;font-weight:700;fill:#374151;text-anchor:middle}
#canopy-viewer .cv-world *{vector-effect:non-scaling-stroke}
#canopy-viewer .cv-world,#canopy-viewer .cv-layer-labels,#canopy-viewer .cv-layer-events,#canopy-viewer .cv-scalebar,#canopy-viewer .cv-axes{pointer-events:none}

#canopy-viewer .cv-zone{fill:#fff;fill-opacity:0;stroke:#94a3b8;stroke-width:.9;stroke-dasharray:5 3}
#canopy-viewer .cv-zone.cv-lit{fill:#f59e0b;fill-opacity:.28;stroke:#d97706;stroke-width:1.6;stroke-dasharray:none}
#canopy-viewer .cv-area{fill:#64748b;fill-opacity:.26;stroke:#475569;stroke-width:1.3}
#canopy-viewer .cv-site{fill:#92400e;fill-opacity:.08;stroke:#92400e;stroke-width:1.2;stroke-dasharray:3 2}
#canopy-viewer .cv-bgpoly{fill:#d6e6f2;fill-opacity:.75;fill-rule:evenodd;stroke:#8fb3cf;stroke-width:.9}
#canopy-viewer .cv-bgline{fill:none;stroke:#9aa7b6;stroke-width:1.3;stroke-linejoin:round;stroke-linecap:round}
#canopy-viewer .cv-radar-cov{fill:#2563eb;fill-opacity:.045;stroke:#2563eb;stroke-opacity:.5;stroke-width:1;stroke-dasharray:7 4}
#canopy-viewer .cv-footprint{fill:#059669;fill-opacity:.09;stroke:#047857;stroke-opacity:.65;stroke-width:1.2}
#canopy-viewer .cv-label{text-anchor:middle;dominant-baseline:central;paint-order:stroke;stroke:#f6f7f4;stroke-width:3px;stroke-linejoin:round;stroke-opacity:.92}
#canopy-viewer .cv-zone-label{font-size:9.5px;fill:#64748b}
#canopy-viewer .cv-area-label{font-size:12px;font-weight:600;fill:#1e293b}
#canopy-viewer .cv-site-label,#canopy-viewer .cv-fixed-label{font-size:10.5px;fill:#374151}
#canopy-viewer .cv-site-label{fill:#92400e}
#canopy-viewer .cv-sensor path,#canopy-viewer .cv-sensor-s{fill:#1e3a8a;stroke:#fff;stroke-width:1}
#canopy-viewer .cv-battery rect,#canopy-viewer .cv-battery-s{fill:#065f46;stroke:#fff;stroke-width:1}
#canopy-viewer .cv-launcher circle,#canopy-viewer .cv-launcher-s{fill:#10b981;stroke:#065f46;stroke-width:.8}

#canopy-viewer .cv-rtrail{fill:none;stroke:#dc2626;stroke-width:1.5;stroke-linejoin:round;stroke-linecap:round}
#canopy-viewer .cv-rtrail.cv-done{stroke:#ef4444;stroke-opacity:.3;stroke-width:1}
#canopy-viewer .cv-hide-done .cv-rtrail.cv-done,#canopy-viewer .cv-hide-done .cv-itrail.cv-done{display:none}
#canopy-viewer .cv-has-sel .cv-rtrail:not(.cv-sel){stroke-opacity:.25}
#canopy-viewer .cv-rtrail.cv-sel{stroke:#7f1d1d;stroke-opacity:1;stroke-width:3}
#canopy-viewer .cv-track{fill:none;stroke:#2563eb;stroke-width:1.2;stroke-dasharray:4 3;stroke-opacity:.85}
#canopy-viewer .cv-track.cv-sel{stroke:#1e3a8a;stroke-width:2}
#canopy-viewer .cv-pred{fill:#7c3aed;fill-opacity:.04;stroke:#7c3aed;stroke-width:.9;stroke-opacity:.55}
#canopy-viewer .cv-has-sel .cv-pred:not(.cv-sel){stroke-opacity:.2;fill-opacity:.02}
#canopy-viewer .cv-pred.cv-sel{fill:#7c3aed;fill-opacity:.12;stroke:#5b21b6;stroke-width:2;stroke-opacity:1}
#canopy-viewer .cv-itrail{fill:none;stroke:#059669;stroke-width:1.4;stroke-linecap:round}
#canopy-viewer .cv-itrail.cv-done{stroke-opacity:.3;stroke-width:1}
#canopy-viewer .cv-rocket{cursor:pointer}
#canopy-viewer .cv-rocket .cv-hit{fill:transparent;stroke:none}
#canopy-viewer .cv-rocket .cv-dot,#canopy-viewer .cv-dot-s{fill:#dc2626;stroke:#fff;stroke-width:1.3}
#canopy-viewer .cv-rocket.cv-sel .cv-dot{fill:#7f1d1d;stroke:#fde047;stroke-width:2.5}
#canopy-viewer .cv-interceptor path,#canopy-viewer .cv-int-s{fill:#059669;stroke:#fff;stroke-width:1}
#canopy-viewer .cv-interceptor{pointer-events:none}
#canopy-viewer .cv-kill path,#canopy-viewer .cv-kill-s{fill:#16a34a;stroke:#14532d;stroke-width:.8}
#canopy-viewer .cv-miss path,#canopy-viewer .cv-miss-s{fill:none;stroke:#ea580c;stroke-width:2.2;stroke-linecap:round}
#canopy-viewer .cv-impact-area circle,#canopy-viewer .cv-impact-area-s{fill:#b91c1c;stroke:#fff;stroke-width:1.3}
#canopy-viewer .cv-impact-open circle,#canopy-viewer .cv-impact-open-s{fill:#fff;stroke:#6b7280;stroke-width:1.5}
#canopy-viewer .cv-layer-events title{pointer-events:none}
`;

export function injectStyle(host: HTMLElement): void {
  const el = document.createElement('style');
  el.setAttribute('data-canopy-viewer', '');
  el.textContent = CSS;
  host.appendChild(el);
}
