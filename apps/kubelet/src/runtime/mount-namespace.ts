// Private mount namespaces for the process runtime (root only).
//
// Without privileges a container reaches its emptyDir volumes through
// $K8TS_ROOTFS/<mountPath> symlinks and $K8TS_MOUNT_<PATH> (see
// process-runtime.ts). When the kubelet runs as root and util-linux's
// `unshare` is installed, each container that has volume mounts starts in its
// own mount namespace (propagation private), where every volume is
// bind-mounted at its real mountPath, read-only when the mount says so. The
// host's view of the filesystem does not change, except that a missing
// mountpoint directory is created on the host (empty; removed again with the
// last container that uses it).
//
// `kubectl exec` and exec probes enter the same namespace with nsenter, so
// they see what the container sees.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type MountNamespaceMode = 'auto' | 'on' | 'off';

export interface BindMount {
  hostPath: string;
  mountPath: string;
  readOnly: boolean;
}

const UNSHARE_CANDIDATES = ['/usr/bin/unshare', '/bin/unshare'];
const NSENTER_CANDIDATES = ['/usr/bin/nsenter', '/bin/nsenter'];

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((c) => fs.existsSync(c));
}

export interface MountNamespaceSupport {
  enabled: boolean;
  /** Why it is off (for the log), when it is. */
  reason?: string;
  unshare?: string;
  nsenter?: string;
}

/**
 * Decides whether containers get private mount namespaces: `on` insists
 * (and fails when impossible), `auto` uses them when running as root with
 * unshare/nsenter present and a trial bind mount works, `off` never.
 */
export function detectMountNamespaces(mode: MountNamespaceMode): MountNamespaceSupport {
  if (mode === 'off') return { enabled: false, reason: 'disabled by --mount-namespaces=off' };
  const unshare = firstExisting(UNSHARE_CANDIDATES);
  const nsenter = firstExisting(NSENTER_CANDIDATES);
  let reason: string | undefined;
  if (process.platform !== 'linux') reason = 'not Linux';
  else if (process.getuid?.() !== 0) reason = 'not running as root';
  else if (!unshare || !nsenter) reason = 'unshare/nsenter (util-linux) not installed';
  else {
    // A trial: can this process create a mount namespace and bind-mount in it?
    const probe = spawnSync(unshare, ['--mount', '--propagation', 'private', '--', 'mount', '--bind', '/', '/'], { stdio: 'ignore', timeout: 5000 });
    if (probe.status !== 0) reason = 'cannot create a mount namespace here (unshare --mount failed)';
  }
  if (reason) {
    if (mode === 'on') throw new Error(`--mount-namespaces=on: ${reason}`);
    return { enabled: false, reason };
  }
  return { enabled: true, unshare, nsenter };
}

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The argv that runs `argv` in a new private mount namespace with `mounts`
 * bound in place. A failed mount ends the container with exit code 125
 * before the program starts (its message goes to the container's stderr).
 */
export function wrapInMountNamespace(unshare: string, argv: string[], mounts: BindMount[], workingDir?: string): string[] {
  const lines: string[] = [];
  for (const m of mounts) {
    const target = shellQuote(path.resolve('/', m.mountPath));
    lines.push(`mount --bind ${shellQuote(m.hostPath)} ${target} || { echo "k8ts: cannot mount volume at "${target} >&2; exit 125; }`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${target} || exit 125`);
  }
  if (workingDir) lines.push(`cd ${shellQuote(path.resolve('/', workingDir))} 2>/dev/null || true`);
  lines.push('exec "$@"');
  return [unshare, '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', lines.join('\n'), 'k8ts-mount', ...argv];
}

/** The argv that runs `cmd` inside the mount namespace of process `pid`. */
export function enterMountNamespace(nsenter: string, pid: number, cmd: string[]): string[] {
  return [nsenter, `--target=${pid}`, '--mount', '--', ...cmd];
}

/**
 * Creates the missing mountpoints on the host. Returns the top-most
 * directories it created (to remove later), outermost first.
 */
export function createMountpoints(mountPaths: string[]): string[] {
  const created: string[] = [];
  for (const mp of mountPaths) {
    const target = path.resolve('/', mp);
    let top: string | undefined;
    let dir = target;
    while (!fs.existsSync(dir)) {
      top = dir;
      dir = path.dirname(dir);
    }
    if (top) {
      fs.mkdirSync(target, { recursive: true });
      created.push(top);
    }
  }
  return created;
}

/**
 * Removes mountpoint directories this runtime created, unless a live
 * container still mounts something under them (removing a directory that is
 * a mountpoint in another namespace would detach that mount). Only empty
 * directories are removed.
 */
export function removeMountpoints(created: string[], inUse: (dir: string) => boolean): void {
  for (const top of created) {
    if (inUse(top)) continue;
    removeEmptyTree(top);
  }
}

/**
 * Something is mounted at or under dir in some mount namespace of this host
 * (any process's: other kubelets' containers count too). Reads
 * /proc/<pid>/mountinfo once per namespace.
 */
export function mountedInAnyNamespace(dir: string): boolean {
  const seen = new Set<string>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return false;
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  for (const pid of pids) {
    try {
      const ns = fs.readlinkSync(`/proc/${pid}/ns/mnt`);
      if (seen.has(ns)) continue;
      seen.add(ns);
      for (const line of fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
        const mountPoint = line.split(' ')[4]?.replace(/\\040/g, ' ');
        if (mountPoint && (mountPoint === dir || mountPoint.startsWith(prefix))) return true;
      }
    } catch {
      /* exited, or not ours to read */
    }
  }
  return false;
}

function removeEmptyTree(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) removeEmptyTree(path.join(dir, e.name));
  try {
    fs.rmdirSync(dir);
  } catch {
    /* not empty (someone put something there), or busy: leave it */
  }
}
