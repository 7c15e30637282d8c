#!/usr/bin/env node
// Bundles one app (apps/<name>/src/main.ts) with esbuild into
// dist/apps/<name>/main.js. Workspace libs (@k8ts/*) are bundled in through
// the tsconfig path aliases; npm dependencies stay external and load from
// node_modules at run time.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const name = process.argv[2];
if (!name) {
  console.error('usage: build-app.mjs <app-name>');
  process.exit(2);
}
await build({
  entryPoints: [join(root, 'apps', name, 'src', 'main.ts')],
  outfile: join(root, 'dist', 'apps', name, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'warning',
});
console.log(`built dist/apps/${name}/main.js`);
