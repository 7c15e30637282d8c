// Command-line parsing shared by every k8ts program: commander options with
// K8TS_* environment fallbacks, parsed against an explicit environment so
// tests can pass their own without touching process.env for long.
import type { Command, OptionValues } from 'commander';

/**
 * Parses `argv` (without node and script) with `program`, reading option
 * environment fallbacks from `env`, and returns the options. commander reads
 * fallbacks from process.env, so `env` is swapped in for the duration of the
 * parse only. The program should use `.exitOverride()` so errors throw.
 */
export function parseOptions<T extends OptionValues = OptionValues>(program: Command, argv: string[], env: NodeJS.ProcessEnv = process.env): T {
  if (env === process.env) {
    program.parse(argv, { from: 'user' });
    return program.opts<T>();
  }
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    program.parse(argv, { from: 'user' });
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  return program.opts<T>();
}
