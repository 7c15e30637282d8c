#!/usr/bin/env node
// `npm test`: make sure nats-server is installed, then lint, typecheck and
// test every project with Nx, and finish with one plain line:
//   "<N> passed, <N> failed"
// counting individual jest tests across all projects.
//
// Extra arguments go to `nx run-many`, e.g. `npm test -- -p eventbus` or
// `npm test -- --skip-nx-cache`.
//
// How the count works: Nx runs with --outputStyle=static, which prints each
// task's complete output as one block under a "> nx run <project>:<target>"
// header, even when tasks run in parallel, and replays the same output for
// tasks restored from the cache. We tee that output and read jest's own
// "Tests:" summary line in each test block, so cached and fresh runs are
// counted alike and nothing depends on result files surviving the cache.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const ensure = spawnSync('bash', [join(root, 'tools', 'scripts', 'ensure-nats.sh')], { stdio: 'inherit' });
if (ensure.status !== 0) {
  console.error('k8ts test: nats-server is required for the integration tests (see above)');
  process.exit(ensure.status ?? 1);
}

const nxArgs = [
  'nx',
  'run-many',
  '-t',
  'lint',
  'typecheck',
  'test',
  '--parallel=2',
  '--outputStyle=static',
  ...process.argv.slice(2),
];
const env = { ...process.env };
if (process.stdout.isTTY && env.FORCE_COLOR === undefined) env.FORCE_COLOR = '1';
const child = spawn('npx', nxArgs, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'], env });

// ---- parse while teeing ----
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
/** @type {Map<string, {passed: number, failed: number, skipped: number, suiteErrors: number}>} */
const perProject = new Map();
const failedTasks = new Set();
let currentTask = null; // "project:target" of the block being printed
let inFailedList = false;

function tally(project) {
  let t = perProject.get(project);
  if (!t) perProject.set(project, (t = { passed: 0, failed: 0, skipped: 0, suiteErrors: 0 }));
  return t;
}

function onLine(raw) {
  const line = raw.replace(ANSI, '');
  const header = /^> nx run (\S+?):(\S+)/.exec(line);
  if (header) {
    currentTask = `${header[1]}:${header[2]}`;
    inFailedList = false;
    return;
  }
  if (/^\s*Failed tasks:\s*$/.test(line)) {
    inFailedList = true;
    return;
  }
  if (inFailedList) {
    const m = /^\s*-\s+(\S+:\S+)/.exec(line);
    if (m) failedTasks.add(m[1]);
    else if (line.trim() !== '') inFailedList = false;
    return;
  }
  if (!currentTask) return;
  const project = currentTask.slice(0, currentTask.lastIndexOf(':'));
  const tests = /^\s*Tests:\s+(.*\btotal)\s*$/.exec(line);
  if (tests) {
    const t = tally(project);
    for (const [, n, kind] of tests[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      if (kind === 'passed') t.passed += Number(n);
      else if (kind === 'failed') t.failed += Number(n);
      else t.skipped += Number(n);
    }
    return;
  }
  // A suite that cannot even load (syntax error, failing import) has no tests to count.
  if (/●\s+Test suite failed to run/.test(line)) tally(project).suiteErrors += 1;
}

function pipeThrough(stream, out) {
  let partial = '';
  stream.on('data', (chunk) => {
    out.write(chunk);
    const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
    partial = parts.pop() ?? '';
    parts.forEach(onLine);
  });
  return new Promise((resolve) =>
    stream.on('end', () => {
      if (partial) onLine(partial);
      resolve();
    }),
  );
}

const drained = Promise.all([pipeThrough(child.stdout, process.stdout), pipeThrough(child.stderr, process.stderr)]);

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));

const code = await new Promise((resolve) => {
  child.on('error', (err) => {
    console.error(`k8ts test: cannot run npx nx: ${err.message}`);
    resolve(1);
  });
  child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
});
await drained;

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const [project, t] of [...perProject].sort(([a], [b]) => a.localeCompare(b))) {
  passed += t.passed;
  failed += t.failed + t.suiteErrors;
  skipped += t.skipped;
  const extra = [t.skipped ? `${t.skipped} skipped` : '', t.suiteErrors ? `${t.suiteErrors} suites failed to run` : '']
    .filter(Boolean)
    .join(', ');
  rows.push(`  ${project.padEnd(22)} ${t.passed} passed, ${t.failed + t.suiteErrors} failed${extra ? ` (${extra})` : ''}`);
}

console.log('\nk8ts test summary (jest tests per project):');
console.log(rows.length ? rows.join('\n') : '  no jest results found');
if (skipped) console.log(`  ${skipped} skipped`);
if (failedTasks.size) console.log(`  failed tasks: ${[...failedTasks].join(', ')}`);
else if (code !== 0) console.log(`  nx exited with code ${code}`);
console.log(`${passed} passed, ${failed} failed`);

process.exit(code !== 0 ? code : failed > 0 ? 1 : 0);
