#!/usr/bin/env node
// Runs one benchmark: `npm run bench -- <name> [args]`, e.g.
// `npm run bench -- apiserver-create --count 2000 --concurrency 32`.
// The benchmark's TypeScript is bundled with esbuild (workspace libs inlined)
// and run with node; benchmarks print their figures and exit.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(join(here, 'src')).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, ''));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [args]`);
  process.exit(2);
}
const outdir = join(root, 'tmp', 'bench');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${name}.js`);
await build({
  entryPoints: [join(here, 'src', `${name}.bench.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'error',
});
if (!existsSync(outfile)) process.exit(1);
const res = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit', cwd: root });
process.exit(res.status ?? 1);
