#!/usr/bin/env node
// Regenerates libs/api/src/gen from proto/ with buf + ts-proto.
// buf writes into a scratch folder; then only changed files are replaced and
// files of removed protos deleted, so concurrent readers (jest, tsc in other
// terminals) never see the folder half-empty.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gen = join(root, 'libs', 'api', 'src', 'gen');
const scratch = mkdtempSync(join(tmpdir(), 'k8ts-codegen-'));

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

try {
  execFileSync(join(root, 'node_modules', '.bin', 'buf'), ['generate', '--output', scratch], { cwd: root, stdio: 'inherit' });
  const fresh = join(scratch, 'libs', 'api', 'src', 'gen');
  const wanted = new Set();
  let changed = 0;
  for (const file of walk(fresh)) {
    const rel = relative(fresh, file);
    wanted.add(rel);
    const target = join(gen, rel);
    const content = readFileSync(file);
    if (existsSync(target) && readFileSync(target).equals(content)) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    changed++;
  }
  let removed = 0;
  for (const file of walk(gen)) {
    const rel = relative(gen, file);
    if (rel === 'project.json' || wanted.has(rel)) continue;
    rmSync(file);
    removed++;
  }
  console.log(`codegen: ${wanted.size} files in libs/api/src/gen (${changed} written, ${removed} removed)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
