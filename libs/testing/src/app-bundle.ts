// Builds an app's main.ts into one CommonJS file with esbuild, so
// integration tests run the real program as a separate process. Bundles are
// cached per test process (one build per app) under tmp/test-bundles.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const built = new Map<string, Promise<string>>();

/** The monorepo root: the nearest folder with nx.json above this file or the cwd. */
export function workspaceRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'nx.json'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('workspaceRoot: no nx.json above ' + __dirname + ' or ' + process.cwd());
}

/** Path of a fresh bundle of apps/<app>/src/main.ts. */
export function appBundle(app: string): Promise<string> {
  let p = built.get(app);
  if (!p) {
    p = (async () => {
      const root = workspaceRoot();
      const outdir = join(root, 'tmp', 'test-bundles', `${app}-${process.pid}`);
      mkdirSync(outdir, { recursive: true });
      const outfile = join(outdir, 'main.js');
      await build({
        entryPoints: [join(root, 'apps', app, 'src', 'main.ts')],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        packages: 'external',
        sourcemap: 'inline',
        tsconfig: join(root, 'tsconfig.base.json'),
        logLevel: 'error',
      });
      return outfile;
    })();
    built.set(app, p);
  }
  return p;
}
