// The image catalog of the process runtime. There are no container images:
// an image reference names a program on the host. Like an OCI image config,
// an entry has an `entrypoint` and a default `cmd` (and optional default env),
// and the Kubernetes rules for command/args apply:
//
//   command set            → command + args (whatever the image: any image
//                            with `command` runs that command)
//   only args set          → entrypoint + args
//   neither                → entrypoint + cmd
//
// Built-ins:
//   k8ts/echo[:tag]        → entrypoint [node, <echoEntry>]
//   k8ts/pause             → entrypoint [node, -e, 'setInterval(() => {}, 1 << 30)']
//   k8ts/shell, busybox, alpine, debian, ubuntu (any tag)
//                          → cmd ['sh'] (like the real images: args such as
//                            ['sh', '-c', '...'] replace it)
//
// Users add entries in a JSON or YAML file (the kubelet's --image-catalog):
//   images:
//     myorg/web: ["node", "/srv/web.js"]               # entrypoint
//     myorg/job: { entrypoint: ["/usr/bin/python3"], cmd: ["/srv/job.py"], env: { MODE: batch } }
//
// Lookup tries the exact reference, then the reference without tag/digest,
// each also without a leading "docker.io/", "docker.io/library/" or "library/".

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ImagePullError } from './runtime';

export interface ImageEntry {
  /** Always prefixed; replaced by the container's `command`. */
  entrypoint: string[];
  /** Default arguments; replaced by the container's `args`. */
  cmd: string[];
  /** Image-level default env (the container's env wins). */
  env: Record<string, string>;
}

export interface ImageCatalogOptions {
  /** Entry script of apps/echo; default <workspace>/dist/apps/echo/main.js. */
  echoEntry?: string;
  /** JSON or YAML file with `{ images: { ref: argv | { entrypoint, cmd, env } } }`. */
  catalogFile?: string;
  /** The node binary for built-ins; default process.execPath. */
  nodePath?: string;
  /**
   * Default env of the built-in k8ts/echo image: the kubelet's own OTEL_*
   * settings, so echo pods export spans where the node's components do (a
   * node-local telemetry pipeline). The container's env wins.
   */
  telemetryEnv?: Record<string, string>;
}

/** The OTEL_* variables of an environment, minus the per-process service name. */
export function telemetryEnvOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('OTEL_') && k !== 'OTEL_SERVICE_NAME' && v !== undefined) out[k] = v;
  return out;
}

/** Walks up from `start` to the directory holding nx.json. */
export function findWorkspaceRoot(start: string = __dirname): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function defaultEchoEntry(): string {
  return path.join(findWorkspaceRoot() ?? process.cwd(), 'dist', 'apps', 'echo', 'main.js');
}

/** "docker.io/library/busybox:1.36@sha256:…" → candidates to look up, most specific first. */
export function imageLookupKeys(image: string): string[] {
  const strip = (ref: string): string => ref.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '').replace(/^library\//, '');
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const noTag = colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
  const keys = [image, noDigest, noTag, strip(image), strip(noDigest), strip(noTag)];
  return [...new Set(keys)];
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function parseEntry(ref: string, v: unknown, file: string): ImageEntry {
  if (isStringArray(v)) return { entrypoint: v, cmd: [], env: {} };
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const entrypoint = o['entrypoint'] ?? o['command'] ?? [];
    const cmd = o['cmd'] ?? o['args'] ?? [];
    const env = o['env'] ?? {};
    if (isStringArray(entrypoint) && isStringArray(cmd) && env && typeof env === 'object' && !Array.isArray(env)) {
      const envStr: Record<string, string> = {};
      for (const [k, val] of Object.entries(env as Record<string, unknown>)) envStr[k] = String(val);
      return { entrypoint, cmd, env: envStr };
    }
  }
  throw new Error(`${file}: image "${ref}": expected an argv array or { entrypoint, cmd, env }`);
}

export class ImageCatalog {
  private readonly entries = new Map<string, ImageEntry>();

  constructor(options: ImageCatalogOptions = {}) {
    const node = options.nodePath ?? process.execPath;
    const echo: ImageEntry = { entrypoint: [node, options.echoEntry ?? defaultEchoEntry()], cmd: [], env: { ...options.telemetryEnv } };
    this.entries.set('k8ts/echo', echo);
    this.entries.set('k8ts/pause', { entrypoint: [node, '-e', 'setInterval(() => {}, 1 << 30)'], cmd: [], env: {} });
    for (const shell of ['k8ts/shell', 'busybox', 'alpine', 'debian', 'ubuntu']) {
      this.entries.set(shell, { entrypoint: [], cmd: ['sh'], env: {} });
    }
    if (options.catalogFile) this.loadFile(options.catalogFile);
  }

  /** Adds (or replaces) entries from a JSON/YAML catalog file. */
  loadFile(file: string): void {
    const doc: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
    const images = doc && typeof doc === 'object' ? (doc as Record<string, unknown>)['images'] : undefined;
    if (images === undefined || images === null) return;
    if (typeof images !== 'object' || Array.isArray(images)) throw new Error(`${file}: "images" must be a map`);
    for (const [ref, v] of Object.entries(images as Record<string, unknown>)) this.set(ref, parseEntry(ref, v, file));
  }

  set(image: string, entry: string[] | Partial<ImageEntry>): void {
    this.entries.set(
      image,
      Array.isArray(entry) ? { entrypoint: entry, cmd: [], env: {} } : { entrypoint: entry.entrypoint ?? [], cmd: entry.cmd ?? [], env: entry.env ?? {} },
    );
  }

  lookup(image: string): ImageEntry | undefined {
    for (const key of imageLookupKeys(image)) {
      const e = this.entries.get(key);
      if (e) return e;
    }
    return undefined;
  }

  /**
   * The argv and image env for a container. Throws ImagePullError for an
   * unknown image without `command`, or when the result is empty.
   */
  resolve(image: string, command: string[], args: string[]): { argv: string[]; env: Record<string, string> } {
    const entry = this.lookup(image);
    if (command.length > 0) return { argv: [...command, ...args], env: { ...(entry?.env ?? {}) } };
    if (!entry) {
      throw new ImagePullError(
        image,
        `image "${image}" is not in the k8ts image catalog and the container sets no command; add it to --image-catalog or set command`,
      );
    }
    const argv = [...entry.entrypoint, ...(args.length > 0 ? args : entry.cmd)];
    if (argv.length === 0) throw new ImagePullError(image, `image "${image}" has no entrypoint or cmd and the container sets no command or args`);
    return { argv, env: { ...entry.env } };
  }
}
