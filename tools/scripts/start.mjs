#!/usr/bin/env node
// `npm start`: bundles the stack launcher (tools/stack/src/start.ts) with
// esbuild and runs it. See tools/stack/src/start.ts for what it starts.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outdir = join(root, 'tmp', 'stack');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, 'start.js');
await build({
  entryPoints: [join(root, 'tools', 'stack', 'src', 'start.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'error',
});
// The launcher handles SIGINT/SIGTERM itself; forward them and mirror its exit code.
const child = spawn(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
