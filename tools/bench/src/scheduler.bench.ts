// Scheduler throughput: pods/s placed by the scheduling core (queue, cache
// with assume, default-profile schedulePod) for 1,000 pods on 100 and on
// 1,000 nodes.
//   npm run bench -- scheduler [--pods 1000] [--nodes 100,1000] [--deadline-seconds 60] [--seed 42]
// Tools may import libs only, so the benchmark itself lives in the scheduler
// app (apps/scheduler/src/bench/main.ts); this file bundles that entry with
// esbuild and runs it as a child process, passing the arguments through.
import { workspaceRoot } from '@k8ts/testing';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

async function main(): Promise<number> {
  const root = workspaceRoot();
  const outdir = join(root, 'tmp', 'bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'scheduler-main.js');
  await build({
    entryPoints: [join(root, 'apps', 'scheduler', 'src', 'bench', 'main.ts')],
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
  if (res.error) throw res.error;
  return res.status ?? 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
