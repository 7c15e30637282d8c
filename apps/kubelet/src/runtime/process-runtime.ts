// ProcessRuntime: the Runtime interface with real host processes, no
// privileges needed.
//
// Layout under stateDir (everything persisted, so a new ProcessRuntime on the
// same stateDir — a restarted kubelet — adopts what is there):
//
//   shim.js                                   the container shim (shim.ts), rewritten at startup
//   pods/<uid>/sandbox.json                   sandbox state; sandbox id = pod uid
//   pods/<uid>/volumes/<name>/                one dir per emptyDir
//   pods/<uid>/containers/<id>/container.json container record (argv, env, cwd, mounts, shim pid + start time)
//   pods/<uid>/containers/<id>/spec.json      what the shim runs
//   pods/<uid>/containers/<id>/child.json     { pid } of the main process, written by the shim
//   pods/<uid>/containers/<id>/exit.json      { exitCode, signal, finishedAt, reason?, message? }, by the shim
//   pods/<uid>/containers/<id>/<attempt>.log  CRI-format log (see shim.ts); the logPath
//   pods/<uid>/containers/<id>/shim.log       the shim's own stderr (debugging)
//   pods/<uid>/containers/<id>/rootfs/<mountPath> → ../volumes/<name>   (symlinks)
//
// Each container is one detached process group: the shim (group leader) and
// the container's main process, its child. Containers outlive the kubelet;
// exit codes of containers that end while no kubelet runs are in exit.json.
//
// Volumes: there are no mount namespaces without privileges, so a container
// sees its emptyDir mounts through
//   - env K8TS_MOUNT_<MOUNT_PATH> = host dir of the volume ("/var/cache/x" → K8TS_MOUNT_VAR_CACHE_X)
//   - env K8TS_ROOTFS = <container dir>/rootfs, where <rootfs><mountPath> is a
//     symlink to the volume: programs can open `${K8TS_ROOTFS}/data/file`.
// readOnly is recorded but not enforced there. As root (see
// mount-namespace.ts) each container with mounts also gets a private mount
// namespace with the volumes bind-mounted at their real mountPaths
// (readOnly enforced), and exec enters that namespace.
//
// Env: exactly the kubelet's env, plus image defaults the kubelet did not set
// (PATH, HOSTNAME = sandbox hostname, catalog env), plus K8TS_ROOTFS and
// K8TS_MOUNT_*. cwd: workingDir when it exists on the host (and is not under
// a mountPath), else <rootfs><workingDir> (created); without workingDir, the
// sandbox dir.

import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageCatalog } from './images';
import {
  ContainerConfig,
  ContainerNotFoundError,
  ContainerStatus,
  ExecResult,
  ExecStreams,
  Runtime,
  SandboxConfig,
  SandboxState,
  SandboxStatus,
} from './runtime';
import { SHIM_SOURCE } from './shim';
import {
  createMountpoints,
  detectMountNamespaces,
  enterMountNamespace,
  mountedInAnyNamespace,
  removeMountpoints,
  wrapInMountNamespace,
  type MountNamespaceMode,
  type MountNamespaceSupport,
} from './mount-namespace';

export interface RuntimeLogger {
  info(msg: string, ...rest: unknown[]): void;
  warn(msg: string, ...rest: unknown[]): void;
}

export interface ProcessRuntimeOptions {
  stateDir: string;
  /** Entry script of apps/echo for the k8ts/echo image (default <workspace>/dist/apps/echo/main.js). */
  echoEntry?: string;
  /** JSON/YAML image catalog file (see images.ts). */
  catalogFile?: string;
  /** A ready catalog (overrides echoEntry/catalogFile). */
  catalog?: ImageCatalog;
  logger?: RuntimeLogger;
  /** Node binary for the shim and for `node` commands; default process.execPath. */
  nodePath?: string;
  /** OTEL_* defaults of the built-in k8ts/echo image (see ImageCatalogOptions). */
  telemetryEnv?: Record<string, string>;
  /** Private mount namespaces with bind-mounted volumes (default 'auto': when root). */
  mountNamespaces?: MountNamespaceMode;
}

interface SandboxRecord {
  id: string;
  podUid: string;
  name: string;
  namespace: string;
  ip: string;
  hostname: string;
  emptyDirs: string[];
  state: SandboxState;
  createdAt: string;
}

interface MountRecord {
  volume: string;
  mountPath: string;
  hostPath: string;
  readOnly: boolean;
}

interface ContainerRecord {
  id: string;
  sandboxId: string;
  name: string;
  image: string;
  attempt: number;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  mounts: MountRecord[];
  createdAt: string;
  logPath: string;
  /** Runs in its own mount namespace (volumes bind-mounted at mountPath). */
  mountNamespace?: boolean;
  shimPid?: number;
  /** Field 22 of /proc/<pid>/stat, against pid reuse. */
  shimStartTime?: string;
  startedAt?: string;
}

interface ExitRecord {
  exitCode: number;
  signal: string | null;
  finishedAt: string;
  reason?: string;
  message?: string;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const POLL_MS = 20;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2));
  fs.renameSync(tmp, file);
}

/** State and start time of a process from /proc; undefined when it does not exist. */
export function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTime: fields[19] };
  } catch {
    if (fs.existsSync('/proc/self/stat')) return undefined;
    // No procfs (macOS): best effort.
    try {
      process.kill(pid, 0);
      return { state: 'R', startTime: '' };
    } catch {
      return undefined;
    }
  }
}

/** Alive, not a zombie, and (when known) the same process that was started. */
export function isAlive(pid: number, startTime?: string): boolean {
  const st = procStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return false;
  return !startTime || !st.startTime || st.startTime === startTime;
}

/** "/var/cache/app" → "K8TS_MOUNT_VAR_CACHE_APP". */
export function mountEnvName(mountPath: string): string {
  const s = mountPath
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `K8TS_MOUNT_${s || 'ROOT'}`;
}

function signalExitCode(signal: NodeJS.Signals | null, code: number | null): number {
  if (signal) return 128 + (os.constants.signals[signal] ?? 0);
  return code ?? 0;
}

function isUnder(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export class ProcessRuntime implements Runtime {
  readonly stateDir: string;
  readonly shimPath: string;
  private readonly catalog: ImageCatalog;
  private readonly logger: RuntimeLogger;
  private readonly nodePath: string;
  /** Container id → container dir. */
  private readonly index = new Map<string, string>();
  /** Shims started by this instance (kept so Node reaps them). */
  private readonly shims = new Set<ChildProcess>();
  readonly mountNamespaces: MountNamespaceSupport;

  constructor(options: ProcessRuntimeOptions) {
    this.stateDir = path.resolve(options.stateDir);
    this.nodePath = options.nodePath ?? process.execPath;
    this.catalog =
      options.catalog ??
      new ImageCatalog({ echoEntry: options.echoEntry, catalogFile: options.catalogFile, nodePath: this.nodePath, telemetryEnv: options.telemetryEnv });
    this.logger = options.logger ?? { info: () => undefined, warn: () => undefined };
    this.mountNamespaces = detectMountNamespaces(options.mountNamespaces ?? 'auto');
    fs.mkdirSync(this.podsDir(), { recursive: true });
    this.shimPath = path.join(this.stateDir, 'shim.js');
    let current: string | undefined;
    try {
      current = fs.readFileSync(this.shimPath, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== SHIM_SOURCE) {
      const tmp = `${this.shimPath}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, SHIM_SOURCE);
      fs.renameSync(tmp, this.shimPath);
    }
    this.rescan();
    const running = [...this.index.values()].map((d) => this.readRecord(d)).filter((r) => r?.shimPid && isAlive(r.shimPid, r.shimStartTime));
    if (this.index.size > 0) this.logger.info(`process runtime: found ${this.index.size} containers (${running.length} running) in ${this.stateDir}`);
  }

  // ------------------------------------------------------------- sandboxes

  async runPodSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    const dir = this.podDir(config.podUid);
    const file = path.join(dir, 'sandbox.json');
    const existing = readJson<SandboxRecord>(file);
    const rec: SandboxRecord = existing
      ? { ...existing, ip: config.ip, hostname: config.hostname, emptyDirs: [...new Set([...existing.emptyDirs, ...config.emptyDirs])], state: 'ready' }
      : {
          id: config.podUid,
          podUid: config.podUid,
          name: config.name,
          namespace: config.namespace,
          ip: config.ip,
          hostname: config.hostname,
          emptyDirs: [...config.emptyDirs],
          state: 'ready',
          createdAt: new Date().toISOString(),
        };
    fs.mkdirSync(path.join(dir, 'containers'), { recursive: true });
    for (const v of rec.emptyDirs) fs.mkdirSync(this.volumeDir(rec.id, v), { recursive: true });
    writeJson(file, rec);
    return this.sandboxStatus(rec);
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    const rec = this.readSandbox(sandboxId);
    if (!rec) return;
    await Promise.all(this.containersOf(sandboxId).map((c) => this.kill(c, 0)));
    writeJson(path.join(this.podDir(sandboxId), 'sandbox.json'), { ...rec, state: 'notready' });
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    // Defensive: nothing of the pod may outlive its directory.
    await Promise.all(this.containersOf(sandboxId).map((c) => this.kill(c, 0)));
    for (const [id, dir] of this.index) if (isUnder(dir, this.podDir(sandboxId))) this.index.delete(id);
    fs.rmSync(this.podDir(sandboxId), { recursive: true, force: true });
    this.cleanMountpoints();
  }

  async listPodSandboxes(): Promise<SandboxStatus[]> {
    const out: SandboxStatus[] = [];
    for (const uid of this.listDir(this.podsDir())) {
      const rec = this.readSandbox(uid);
      if (rec) out.push(this.sandboxStatus(rec));
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  // ------------------------------------------------------------ containers

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sb = this.readSandbox(sandboxId);
    if (!sb) throw new Error(`sandbox ${sandboxId} not found`);
    if (sb.state !== 'ready') throw new Error(`sandbox ${sandboxId} is not ready`);
    const { argv, env: imageEnv } = this.catalog.resolve(config.image, config.command, config.args); // ImagePullError

    const id = randomBytes(6).toString('hex');
    const dir = path.join(this.podDir(sandboxId), 'containers', id);
    const rootfs = path.join(dir, 'rootfs');
    fs.mkdirSync(rootfs, { recursive: true });

    const mounts: MountRecord[] = [];
    const mountEnv: Record<string, string> = {};
    for (const m of config.mounts) {
      if (!sb.emptyDirs.includes(m.volume)) throw new Error(`container "${config.name}": volume "${m.volume}" is not an emptyDir of sandbox ${sandboxId}`);
      const hostPath = this.volumeDir(sandboxId, m.volume);
      const link = path.join(rootfs, path.resolve('/', m.mountPath));
      if (link === rootfs) throw new Error(`container "${config.name}": cannot mount a volume at "/"`);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(hostPath, link);
      mounts.push({ volume: m.volume, mountPath: m.mountPath, hostPath, readOnly: m.readOnly ?? false });
      mountEnv[mountEnvName(m.mountPath)] = hostPath;
    }

    const env: Record<string, string> = {
      PATH: `${path.dirname(this.nodePath)}:${process.env['PATH'] ?? DEFAULT_PATH}`,
      HOSTNAME: sb.hostname,
      ...imageEnv,
      ...config.env,
      K8TS_ROOTFS: rootfs,
      ...mountEnv,
    };

    let cwd = this.podDir(sandboxId);
    if (config.workingDir) {
      const wd = path.resolve('/', config.workingDir);
      const underMount = mounts.some((m) => isUnder(wd, path.resolve('/', m.mountPath)));
      if (!underMount && fs.existsSync(wd) && fs.statSync(wd).isDirectory()) cwd = wd;
      else {
        cwd = path.join(rootfs, wd);
        fs.mkdirSync(cwd, { recursive: true }); // follows mount symlinks
      }
    }

    argv[0] = this.resolveProgram(argv[0], env['PATH']);
    const mns = this.mountNamespaces;
    const inMountNs = mns.enabled && mns.unshare !== undefined && mounts.length > 0;
    if (inMountNs) this.rememberMountpoints(createMountpoints(mounts.map((m) => m.mountPath)));
    const rec: ContainerRecord = {
      id,
      sandboxId,
      name: config.name,
      image: config.image,
      attempt: config.attempt,
      argv: inMountNs ? wrapInMountNamespace(mns.unshare as string, argv, mounts, config.workingDir) : argv,
      mountNamespace: inMountNs || undefined,
      env,
      cwd,
      mounts,
      createdAt: new Date().toISOString(),
      logPath: path.join(dir, `${config.attempt}.log`),
    };
    writeJson(path.join(dir, 'container.json'), rec);
    this.index.set(id, dir);
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const dir = this.dirOf(containerId);
    const rec = this.mustRecord(containerId);
    if (rec.shimPid !== undefined) throw new Error(`container ${containerId} was already started`);
    const sb = this.readSandbox(rec.sandboxId);
    if (!sb || sb.state !== 'ready') throw new Error(`sandbox ${rec.sandboxId} is not ready`);

    writeJson(path.join(dir, 'spec.json'), { argv: rec.argv, env: rec.env, cwd: rec.cwd, logPath: rec.logPath });
    fs.closeSync(fs.openSync(rec.logPath, 'a'));
    const shimLog = fs.openSync(path.join(dir, 'shim.log'), 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.nodePath, [this.shimPath, dir], { detached: true, stdio: ['ignore', shimLog, shimLog], cwd: dir, env: {} });
    } finally {
      fs.closeSync(shimLog);
    }
    const pid = child.pid;
    if (pid === undefined) {
      const err = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new Error(`container ${containerId}: cannot start shim: ${err.message}`);
    }
    this.shims.add(child);
    child.once('exit', () => this.shims.delete(child));
    child.unref();
    rec.shimPid = pid;
    rec.shimStartTime = procStat(pid)?.startTime;
    rec.startedAt = new Date().toISOString();
    writeJson(path.join(dir, 'container.json'), rec);

    // Wait until the main process is spawned (or failed to be).
    const deadline = Date.now() + 15_000;
    for (;;) {
      const exit = readJson<ExitRecord>(path.join(dir, 'exit.json'));
      if (exit) {
        if (exit.reason === 'StartError') throw new Error(`container "${rec.name}" (${containerId}) failed to start: ${exit.message ?? 'unknown error'}`);
        return;
      }
      if (fs.existsSync(path.join(dir, 'child.json'))) return;
      if (!isAlive(pid, rec.shimStartTime)) {
        this.finalize(rec, dir);
        return;
      }
      if (Date.now() > deadline) {
        this.logger.warn(`container ${containerId}: shim did not report its child within 15s`);
        return;
      }
      await sleep(10);
    }
  }

  async stopContainer(containerId: string, gracePeriodSeconds: number): Promise<void> {
    await this.kill(this.mustRecord(containerId), gracePeriodSeconds);
  }

  async removeContainer(containerId: string): Promise<void> {
    const rec = this.record(containerId);
    if (!rec) return;
    await this.kill(rec, 0);
    fs.rmSync(this.dirOf(containerId), { recursive: true, force: true });
    this.index.delete(containerId);
    if (rec.mountNamespace) this.cleanMountpoints();
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return this.status(this.mustRecord(containerId));
  }

  async listContainers(sandboxId?: string): Promise<ContainerStatus[]> {
    this.rescan();
    const recs: ContainerRecord[] = [];
    for (const dir of this.index.values()) {
      const r = this.readRecord(dir);
      if (r && (sandboxId === undefined || r.sandboxId === sandboxId)) recs.push(r);
    }
    recs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.attempt - b.attempt);
    return recs.map((r) => this.status(r));
  }

  // ------------------------------------------------------------ exec, logs

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult> {
    const rec = this.runningRecord(containerId);
    return new Promise<ExecResult>((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      let child: ChildProcess;
      try {
        const [prog, ...args] = this.execArgv(rec, cmd);
        child = spawn(prog, args, { env: rec.env, cwd: rec.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        resolve({ exitCode: 126, stdout: '', stderr: `exec failed: ${(e as Error).message}\n`, timedOut: false });
        return;
      }
      child.stdout?.on('data', (d: Buffer) => out.push(d));
      child.stderr?.on('data', (d: Buffer) => err.push(d));
      const timer =
        timeoutSeconds > 0
          ? setTimeout(() => {
              timedOut = true;
              this.killTree(child, 'SIGKILL');
            }, timeoutSeconds * 1000)
          : undefined;
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (timer) clearTimeout(timer);
        resolve({ exitCode: e.code === 'ENOENT' ? 127 : 126, stdout: '', stderr: `exec failed: ${e.message}\n`, timedOut: false });
      });
      child.once('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({
          exitCode: signalExitCode(signal, code),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          timedOut,
        });
      });
    });
  }

  async exec(containerId: string, cmd: string[], streams: ExecStreams): Promise<number> {
    const rec = this.runningRecord(containerId);
    return new Promise<number>((resolve) => {
      let child: ChildProcess;
      try {
        const [prog, ...args] = this.execArgv(rec, cmd);
        child = spawn(prog, args, {
          env: rec.env,
          cwd: rec.cwd,
          detached: true,
          stdio: [streams.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        streams.stderr.write(`exec failed: ${(e as Error).message}\n`);
        resolve(126);
        return;
      }
      if (streams.stdin && child.stdin) {
        child.stdin.on('error', () => undefined); // EPIPE when the command does not read stdin
        streams.stdin.pipe(child.stdin);
      }
      child.stdout?.on('data', (d: Buffer) => streams.stdout.write(d));
      child.stderr?.on('data', (d: Buffer) => streams.stderr.write(d));
      child.once('error', (e: NodeJS.ErrnoException) => {
        streams.stderr.write(`exec failed: ${e.message}\n`);
        resolve(e.code === 'ENOENT' ? 127 : 126);
      });
      const onAbort = () => this.killTree(child, 'SIGKILL');
      if (streams.signal?.aborted) onAbort();
      else streams.signal?.addEventListener('abort', onAbort, { once: true });
      child.once('close', (code, signal) => {
        streams.signal?.removeEventListener('abort', onAbort);
        if (streams.stdin && child.stdin) streams.stdin.unpipe(child.stdin);
        resolve(signalExitCode(signal, code));
      });
    });
  }

  async logPath(containerId: string): Promise<string> {
    return this.mustRecord(containerId).logPath;
  }

  // ------------------------------------------------------------- internals

  private podsDir(): string {
    return path.join(this.stateDir, 'pods');
  }

  private podDir(uid: string): string {
    if (!uid || uid.includes('/') || uid === '.' || uid === '..') throw new Error(`invalid pod uid "${uid}"`);
    return path.join(this.podsDir(), uid);
  }

  private volumeDir(uid: string, volume: string): string {
    if (!volume || volume.includes('/') || volume === '.' || volume === '..') throw new Error(`invalid volume name "${volume}"`);
    return path.join(this.podDir(uid), 'volumes', volume);
  }

  private listDir(dir: string): string[] {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  }

  private readSandbox(uid: string): SandboxRecord | undefined {
    return readJson<SandboxRecord>(path.join(this.podDir(uid), 'sandbox.json'));
  }

  private sandboxStatus(rec: SandboxRecord): SandboxStatus {
    return {
      id: rec.id,
      podUid: rec.podUid,
      name: rec.name,
      namespace: rec.namespace,
      ip: rec.ip,
      state: rec.state,
      dir: this.podDir(rec.id),
      createdAt: rec.createdAt,
    };
  }

  private rescan(): void {
    for (const uid of this.listDir(this.podsDir())) {
      const cdir = path.join(this.podsDir(), uid, 'containers');
      for (const id of this.listDir(cdir)) {
        if (fs.existsSync(path.join(cdir, id, 'container.json'))) this.index.set(id, path.join(cdir, id));
      }
    }
    for (const [id, dir] of this.index) if (!fs.existsSync(path.join(dir, 'container.json'))) this.index.delete(id);
  }

  private dirOf(id: string): string {
    let dir = this.index.get(id);
    if (!dir) {
      this.rescan();
      dir = this.index.get(id);
    }
    if (!dir) throw new ContainerNotFoundError(id);
    return dir;
  }

  private readRecord(dir: string): ContainerRecord | undefined {
    return readJson<ContainerRecord>(path.join(dir, 'container.json'));
  }

  private record(id: string): ContainerRecord | undefined {
    try {
      return this.readRecord(this.dirOf(id));
    } catch {
      return undefined;
    }
  }

  private mustRecord(id: string): ContainerRecord {
    const rec = this.record(id);
    if (!rec) throw new ContainerNotFoundError(id);
    return rec;
  }

  /** The argv of an exec in the container: its program resolved, inside its mount namespace if it has one. */
  private execArgv(rec: ContainerRecord, cmd: string[]): string[] {
    const argv = [this.resolveProgram(cmd[0], rec.env['PATH']), ...cmd.slice(1)];
    const nsenter = this.mountNamespaces.nsenter;
    if (!rec.mountNamespace || !nsenter) return argv;
    const pid = readJson<{ pid: number }>(path.join(this.dirOf(rec.id), 'child.json'))?.pid;
    return pid ? enterMountNamespace(nsenter, pid, argv) : argv;
  }

  /** <stateDir>/mountpoints.json: mountpoint dirs this runtime created on the host. */
  private get mountpointsFile(): string {
    return path.join(this.stateDir, 'mountpoints.json');
  }

  private rememberMountpoints(created: string[]): void {
    if (created.length === 0) return;
    const known = readJson<string[]>(this.mountpointsFile) ?? [];
    writeJson(this.mountpointsFile, [...new Set([...known, ...created])]);
  }

  /** Removes the created mountpoints that no live container uses any more. */
  private cleanMountpoints(): void {
    const known = readJson<string[]>(this.mountpointsFile) ?? [];
    if (known.length === 0) return;
    removeMountpoints(known, mountedInAnyNamespace);
    writeJson(this.mountpointsFile, known.filter((d) => fs.existsSync(d)));
  }

  private runningRecord(id: string): ContainerRecord {
    const rec = this.mustRecord(id);
    if (this.status(rec).state !== 'running') throw new Error(`container ${id} is not running`);
    return rec;
  }

  private containersOf(sandboxId: string): ContainerRecord[] {
    this.rescan();
    const prefix = this.podDir(sandboxId);
    return [...this.index.values()]
      .filter((d) => isUnder(d, prefix))
      .map((d) => this.readRecord(d))
      .filter((r): r is ContainerRecord => r !== undefined);
  }

  private shimAlive(rec: ContainerRecord): boolean {
    return rec.shimPid !== undefined && isAlive(rec.shimPid, rec.shimStartTime);
  }

  /**
   * exit.json, or — when the shim is gone without writing one (killed with
   * its group) — a synthesized SIGKILL exit, persisted so it stays stable.
   */
  private finalize(rec: ContainerRecord, dir: string): ExitRecord {
    const file = path.join(dir, 'exit.json');
    const existing = readJson<ExitRecord>(file);
    if (existing) return existing;
    const exit: ExitRecord = {
      exitCode: 128 + os.constants.signals.SIGKILL,
      signal: 'SIGKILL',
      finishedAt: new Date().toISOString(),
      message: 'the container shim exited without recording an exit status (killed)',
    };
    try {
      fs.writeFileSync(file, JSON.stringify(exit), { flag: 'wx' });
    } catch {
      return readJson<ExitRecord>(file) ?? exit;
    }
    return exit;
  }

  private status(rec: ContainerRecord): ContainerStatus {
    const dir = this.dirOf(rec.id);
    const base: ContainerStatus = {
      id: rec.id,
      sandboxId: rec.sandboxId,
      name: rec.name,
      image: rec.image,
      attempt: rec.attempt,
      state: 'created',
      createdAt: rec.createdAt,
      logPath: rec.logPath,
    };
    if (rec.shimPid === undefined) return base;
    base.startedAt = rec.startedAt;
    let exit = readJson<ExitRecord>(path.join(dir, 'exit.json'));
    if (!exit && this.shimAlive(rec)) {
      const child = readJson<{ pid: number }>(path.join(dir, 'child.json'));
      return { ...base, state: 'running', pid: child?.pid ?? rec.shimPid };
    }
    exit ??= this.finalize(rec, dir);
    const st: ContainerStatus = {
      ...base,
      state: 'exited',
      finishedAt: exit.finishedAt,
      exitCode: exit.exitCode,
      reason: exit.reason ?? (exit.exitCode === 0 ? 'Completed' : 'Error'),
    };
    if (exit.message) st.message = exit.message;
    return st;
  }

  private signalShim(rec: ContainerRecord, signal: NodeJS.Signals, group: boolean): void {
    if (rec.shimPid === undefined || !this.shimAlive(rec)) return;
    try {
      // The shim leads its process group, so -pid is the whole container.
      process.kill(group ? -rec.shimPid : rec.shimPid, signal);
    } catch {
      /* already gone */
    }
  }

  private async waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (cond()) return true;
      if (Date.now() >= deadline) return false;
      await sleep(POLL_MS);
    }
  }

  /** SIGTERM to the main process, SIGKILL to the group after the grace period. */
  private async kill(rec: ContainerRecord, graceSeconds: number): Promise<void> {
    if (rec.shimPid === undefined) return; // never started
    const dir = this.dirOf(rec.id);
    const exited = (): boolean => fs.existsSync(path.join(dir, 'exit.json')) || !this.shimAlive(rec);
    if (exited()) {
      this.finalize(rec, dir);
      return;
    }
    if (graceSeconds > 0) {
      this.signalShim(rec, 'SIGTERM', false); // the shim forwards it to the main process
      if (await this.waitUntil(exited, graceSeconds * 1000)) {
        // exit.json is written just before the shim kills its group and exits.
        await this.waitUntil(() => !this.shimAlive(rec), 2000);
        this.finalize(rec, dir);
        return;
      }
    }
    this.signalShim(rec, 'SIGKILL', true);
    if (!(await this.waitUntil(() => !this.shimAlive(rec), 10_000))) {
      this.logger.warn(`container ${rec.id}: shim ${rec.shimPid} survived SIGKILL for 10s`);
    }
    this.finalize(rec, dir);
  }

  private killTree(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      try {
        child.kill(signal);
      } catch {
        /* gone */
      }
    }
  }

  /** `node` → this node; a bare name → searched in PATH (so a container env without PATH still works). */
  private resolveProgram(prog: string | undefined, pathEnv: string | undefined): string {
    if (prog === undefined || prog === '') throw new Error('empty command');
    if (prog === 'node' || prog === 'nodejs') return this.nodePath;
    if (prog.includes('/')) return prog;
    for (const d of (pathEnv ?? DEFAULT_PATH).split(':')) {
      const candidate = path.join(d || '.', prog);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        /* next */
      }
    }
    return prog;
  }
}
