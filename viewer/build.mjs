// Builds the viewer bundle: type-checks with tsc, then bundles src/main.ts
// into one minified IIFE at $CANOPY_VIEWER_OUT (default dist/canopy-viewer.js).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.env.CANOPY_VIEWER_OUT || resolve(here, 'dist/canopy-viewer.js'));

const tsc = resolve(here, 'node_modules/typescript/bin/tsc');
const check = spawnSync(process.execPath, [tsc, '--noEmit', '-p', here], { stdio: 'inherit', cwd: here });
if (check.status !== 0) {
  console.error('canopy-viewer: type check failed');
  process.exit(1);
}

mkdirSync(dirname(out), { recursive: true });
try {
  const result = await esbuild.build({
    entryPoints: [resolve(here, 'src/main.ts')],
    outfile: out,
    bundle: true,
    format: 'iife',
    minify: true,
    target: ['es2020'],
    platform: 'browser',
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (result.errors.length > 0) process.exit(1);
} catch {
  process.exit(1); // esbuild has printed the errors
}
