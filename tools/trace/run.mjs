#!/usr/bin/env node
// `npm run trace -- <command>`: bundles tools/trace/src/cli.ts with esbuild and runs it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outdir = join(root, 'tmp', 'trace');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, 'main.js');
await build({
  entryPoints: [join(root, 'tools', 'trace', 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'error',
});
const res = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(res.status ?? 1);
