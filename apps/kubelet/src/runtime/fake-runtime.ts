// In-memory Runtime for unit tests of the kubelet (pod workers, status
// manager, probes). Deterministic: ids are counters, timestamps come from the
// injected clock, nothing runs. Tests drive container lifecycles through the
// controls below (setExit, failImage, execResult, ...) and assert on `calls`.

import {
  ContainerConfig,
  ContainerNotFoundError,
  ContainerState,
  ContainerStatus,
  ExecResult,
  ExecStreams,
  ImagePullError,
  Runtime,
  SandboxConfig,
  SandboxStatus,
} from './runtime';

export interface FakeRuntimeOptions {
  /** Clock; defaults to `() => new Date()`. */
  now?: () => Date;
  /** Exit code a container gets from stopContainer (SIGTERM, no handler → 143). */
  stopExitCode?: number;
  /** Exit code a running container gets from stopPodSandbox (SIGKILL → 137). */
  killExitCode?: number;
}

/** One recorded Runtime method call. */
export interface FakeRuntimeCall {
  method: keyof Runtime;
  args: unknown[];
}

interface FakeSandbox {
  status: SandboxStatus;
}

interface FakeContainer {
  status: ContainerStatus;
  config: ContainerConfig;
  log: string;
}

type ExecResponder = ExecResult | ((containerId: string, cmd: string[]) => ExecResult);

const DEFAULT_EXEC: ExecResult = { exitCode: 0, stdout: '', stderr: '', timedOut: false };

export class FakeRuntime implements Runtime {
  /** Every Runtime call in order (method name and arguments). */
  readonly calls: FakeRuntimeCall[] = [];

  private readonly now: () => Date;
  private readonly stopExitCode: number;
  private readonly killExitCode: number;
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly containers = new Map<string, FakeContainer>();
  private readonly failedImages = new Map<string, string>();
  private readonly failedStarts = new Map<string, string>();
  private readonly execResults = new Map<string, ExecResponder>();
  private nextContainer = 1;
  private nextPid = 1000;

  constructor(options: FakeRuntimeOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.stopExitCode = options.stopExitCode ?? 143;
    this.killExitCode = options.killExitCode ?? 137;
  }

  // ---------------------------------------------------------------- controls

  /**
   * Makes a container exit with `exitCode` (reason "Completed" for 0, else
   * "Error"). `idOrName` is a container id, or a container name: then the
   * newest running (else newest) container of that name, optionally limited
   * to one sandbox.
   */
  setExit(idOrName: string, exitCode: number, opts: { reason?: string; message?: string; sandboxId?: string } = {}): ContainerStatus {
    const c = this.find(idOrName, opts.sandboxId);
    this.exit(c, exitCode, opts.reason, opts.message);
    return { ...c.status };
  }

  /** createContainer with this image will throw ImagePullError (until clearImageFailure). */
  failImage(image: string, message = `image "${image}" could not be pulled (FakeRuntime.failImage)`): void {
    this.failedImages.set(image, message);
  }

  clearImageFailure(image: string): void {
    this.failedImages.delete(image);
  }

  /** startContainer of a container with this name throws (the container stays "created"). */
  failStart(containerName: string, message = `failed to start container "${containerName}" (FakeRuntime.failStart)`): void {
    this.failedStarts.set(containerName, message);
  }

  clearStartFailure(containerName: string): void {
    this.failedStarts.delete(containerName);
  }

  /**
   * Sets what execSync/exec return for `cmd` (an argv, or the argv joined by
   * single spaces). Unknown commands return exit code 0 with no output.
   * Partial results are completed with exitCode 0, empty output, timedOut false.
   */
  execResult(cmd: string[] | string, result: Partial<ExecResult> | ((containerId: string, cmd: string[]) => ExecResult)): void {
    const key = Array.isArray(cmd) ? cmd.join(' ') : cmd;
    this.execResults.set(key, typeof result === 'function' ? result : { ...DEFAULT_EXEC, ...result });
  }

  /** Appends text to a container's (in-memory) log; read it back with logContent. */
  appendLog(idOrName: string, text: string): void {
    this.find(idOrName).log += text;
  }

  logContent(containerId: string): string {
    return this.get(containerId).log;
  }

  /** The config a container was created with. */
  containerConfig(containerId: string): ContainerConfig {
    return this.get(containerId).config;
  }

  /** Calls of one method (arguments only). */
  callsOf(method: keyof Runtime): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  // ---------------------------------------------------------------- Runtime

  async runPodSandbox(config: SandboxConfig): Promise<SandboxStatus> {
    this.record('runPodSandbox', config);
    const existing = this.sandboxes.get(config.podUid);
    if (existing) {
      existing.status.state = 'ready';
      return { ...existing.status };
    }
    const status: SandboxStatus = {
      id: config.podUid,
      podUid: config.podUid,
      name: config.name,
      namespace: config.namespace,
      ip: config.ip,
      state: 'ready',
      dir: `/fake/pods/${config.podUid}`,
      createdAt: this.now().toISOString(),
    };
    this.sandboxes.set(config.podUid, { status });
    return { ...status };
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    this.record('stopPodSandbox', sandboxId);
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) return; // CRI: stopping a missing sandbox is not an error
    for (const c of this.containers.values()) {
      if (c.status.sandboxId === sandboxId && c.status.state === 'running') this.exit(c, this.killExitCode);
    }
    sb.status.state = 'notready';
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    this.record('removePodSandbox', sandboxId);
    for (const [id, c] of this.containers) {
      if (c.status.sandboxId === sandboxId) this.containers.delete(id);
    }
    this.sandboxes.delete(sandboxId);
  }

  async listPodSandboxes(): Promise<SandboxStatus[]> {
    this.record('listPodSandboxes');
    return [...this.sandboxes.values()].map((s) => ({ ...s.status }));
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    this.record('createContainer', sandboxId, config);
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) throw new Error(`sandbox ${sandboxId} not found`);
    if (sb.status.state !== 'ready') throw new Error(`sandbox ${sandboxId} is not ready`);
    const pullError = this.failedImages.get(config.image);
    if (pullError !== undefined) throw new ImagePullError(config.image, pullError);
    const id = `fake-${String(this.nextContainer++).padStart(4, '0')}`;
    const status: ContainerStatus = {
      id,
      sandboxId,
      name: config.name,
      image: config.image,
      attempt: config.attempt,
      state: 'created',
      createdAt: this.now().toISOString(),
      logPath: `/fake/pods/${sandboxId}/containers/${config.name}/${config.attempt}.log`,
    };
    this.containers.set(id, { status, config: structuredClone(config), log: '' });
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    this.record('startContainer', containerId);
    const c = this.get(containerId);
    if (c.status.state !== 'created') throw new Error(`container ${containerId} is ${c.status.state}, not created`);
    const startError = this.failedStarts.get(c.status.name);
    if (startError !== undefined) throw new Error(startError);
    c.status.state = 'running';
    c.status.pid = this.nextPid++;
    c.status.startedAt = this.now().toISOString();
  }

  async stopContainer(containerId: string, gracePeriodSeconds: number): Promise<void> {
    this.record('stopContainer', containerId, gracePeriodSeconds);
    const c = this.get(containerId);
    if (c.status.state === 'running') this.exit(c, gracePeriodSeconds <= 0 ? this.killExitCode : this.stopExitCode);
    else if (c.status.state === 'created') this.exit(c, 0, 'Completed');
  }

  async removeContainer(containerId: string): Promise<void> {
    this.record('removeContainer', containerId);
    this.containers.delete(containerId);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    this.record('containerStatus', containerId);
    return { ...this.get(containerId).status };
  }

  async listContainers(sandboxId?: string): Promise<ContainerStatus[]> {
    this.record('listContainers', ...(sandboxId === undefined ? [] : [sandboxId]));
    // Map iteration is creation order, so newer attempts come last.
    return [...this.containers.values()]
      .filter((c) => sandboxId === undefined || c.status.sandboxId === sandboxId)
      .map((c) => ({ ...c.status }));
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult> {
    this.record('execSync', containerId, cmd, timeoutSeconds);
    return this.runExec(containerId, cmd);
  }

  async exec(containerId: string, cmd: string[], streams: ExecStreams): Promise<number> {
    this.record('exec', containerId, cmd);
    const r = this.runExec(containerId, cmd);
    if (r.stdout) streams.stdout.write(r.stdout);
    if (r.stderr) streams.stderr.write(r.stderr);
    return r.exitCode;
  }

  async logPath(containerId: string): Promise<string> {
    this.record('logPath', containerId);
    return this.get(containerId).status.logPath;
  }

  // ---------------------------------------------------------------- internals

  private record(method: keyof Runtime, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  private get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new ContainerNotFoundError(id);
    return c;
  }

  private find(idOrName: string, sandboxId?: string): FakeContainer {
    const byId = this.containers.get(idOrName);
    if (byId) return byId;
    const named = [...this.containers.values()].filter(
      (c) => c.status.name === idOrName && (sandboxId === undefined || c.status.sandboxId === sandboxId),
    );
    const pick = [...named].reverse().find((c) => c.status.state === 'running') ?? named[named.length - 1];
    if (!pick) throw new ContainerNotFoundError(idOrName);
    return pick;
  }

  private exit(c: FakeContainer, exitCode: number, reason?: string, message?: string): void {
    const s = c.status;
    const state: ContainerState = 'exited';
    s.state = state;
    s.exitCode = exitCode;
    s.reason = reason ?? (exitCode === 0 ? 'Completed' : 'Error');
    if (message !== undefined) s.message = message;
    s.finishedAt = this.now().toISOString();
    s.startedAt ??= s.finishedAt;
    delete s.pid;
  }

  private runExec(containerId: string, cmd: string[]): ExecResult {
    const c = this.get(containerId);
    if (c.status.state !== 'running') throw new Error(`container ${containerId} is not running`);
    const responder = this.execResults.get(cmd.join(' '));
    if (!responder) return { ...DEFAULT_EXEC };
    return typeof responder === 'function' ? responder(containerId, cmd) : { ...responder };
  }
}
