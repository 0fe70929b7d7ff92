#!/usr/bin/env bash
# The README's ten-minute walk-through, end to end, into out/walkthrough/
# (release build; about sixteen minutes on two cores). Its printed outputs are
# the ones the README shows.
set -euo pipefail
cd "$(dirname "$0")/.."
canopy=build/release/apps/canopy/canopy
out=out/walkthrough
runs=${RUNS:-20}
sweep_runs=${SWEEP_RUNS:-10}
rm -rf "$out" && mkdir -p "$out"

echo "== 1. run the default scenario, with its report"
"$canopy" run --out "$out/run" --report

echo "== 2. open $out/run/report.html in a browser"

echo "== 3. Monte Carlo: $runs runs"
"$canopy" montecarlo --runs "$runs" --out "$out/mc" --report

echo "== 4. sweep the interceptors on every launcher"
"$canopy" sweep --set 'batteries[*].launchers[*].interceptors=[1, 2, 4, 8, 20]' --runs "$sweep_runs" \
  --out "$out/sweep" --report

echo "== 5. compare shoot-look-shoot with salvo"
sed 's/mode: shoot-look-shoot/mode: salvo/' scenarios/default.yaml >"$out/salvo.yaml"
"$canopy" compare scenarios/default.yaml "$out/salvo.yaml" --runs "$sweep_runs" \
  --out "$out/compare" --report

echo "== 6. which inputs matter most: one key at a time around the default"
"$canopy" sweep --one-at-a-time --runs "$sweep_runs" \
  --set 'interceptor_types[*].pk_at_lethal_radius=[0.7, 0.95]' \
  --set 'sensors[*].sigma.range_m=[5, 60]' \
  --set 'sensors[0].detection.reference_snr_db=[15, 25]' \
  --set 'raids[0].aim_sigma_m=[150, 400]' \
  --set 'tracker.wind_forecast_error_mps=[0, 8]' \
  --out "$out/sensitivity" --report
