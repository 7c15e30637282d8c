#!/usr/bin/env node
// Regenerates libs/api/src/gen from proto/ with buf + ts-proto.
// The folder is wiped first (except its Nx project file) so removed protos leave nothing behind.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gen = join(root, 'libs', 'api', 'src', 'gen');
for (const entry of readdirSync(gen)) {
  if (entry !== 'project.json') rmSync(join(gen, entry), { recursive: true, force: true });
}
execFileSync(join(root, 'node_modules', '.bin', 'buf'), ['generate'], { cwd: root, stdio: 'inherit' });
console.log('codegen: wrote', gen);
