// Entry of `npm run trace` (bundled by tools/trace/run.mjs).
import { runCli } from './cli';

try {
  runCli(process.argv.slice(2));
} catch (err) {
  const e = err as Error & { code?: string; exitCode?: number };
  if (e.code?.startsWith('commander.')) process.exit(e.exitCode ?? 1);
  console.error(`trace: ${e.message}`);
  process.exit(1);
}
