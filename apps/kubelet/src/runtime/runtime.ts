// The container runtime interface, shaped like CRI (RuntimeService): pod
// sandboxes (a pod's IP and per-pod directory, volumes), containers in them,
// logs and exec. The kubelet's pod workers only talk to this interface; the
// process runtime implements it with real child processes, and
// FakeRuntime (fake-runtime.ts) with in-memory state for unit tests.

export type SandboxState = 'ready' | 'notready';
export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface SandboxConfig {
  podUid: string;
  name: string;
  namespace: string;
  /** The pod IP (allocated by the kubelet from the node's podCIDR). */
  ip: string;
  hostname: string;
  /** emptyDir volumes to create, by volume name. */
  emptyDirs: string[];
}

export interface SandboxStatus {
  id: string;
  podUid: string;
  name: string;
  namespace: string;
  ip: string;
  state: SandboxState;
  /** Per-pod directory on the host (volumes live under it). */
  dir: string;
  createdAt: string;
}

export interface VolumeMountConfig {
  /** emptyDir volume name of the sandbox. */
  volume: string;
  mountPath: string;
  readOnly?: boolean;
}

export interface ContainerConfig {
  name: string;
  image: string;
  /** Resolved argv: command + args after $(VAR) expansion; empty means "the image's default". */
  command: string[];
  args: string[];
  workingDir?: string;
  /** Complete environment (the kubelet has already added POD_IP, service links, ...). */
  env: Record<string, string>;
  mounts: VolumeMountConfig[];
  /** Restart count to record with the container (for status after a kubelet restart). */
  attempt: number;
}

export interface ContainerStatus {
  id: string;
  sandboxId: string;
  name: string;
  image: string;
  attempt: number;
  state: ContainerState;
  pid?: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** e.g. "Completed", "Error", "OOMKilled"; for created-but-failed: "ErrImagePull". */
  reason?: string;
  message?: string;
  /** Host path of the container's combined stdout/stderr log. */
  logPath: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ExecStreams {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborting kills the command (e.g. the exec client went away). */
  signal?: AbortSignal;
}

/** An image the runtime cannot resolve (no catalog entry and no command). */
export class ImagePullError extends Error {
  constructor(readonly image: string, message: string) {
    super(message);
    this.name = 'ImagePullError';
  }
}

export class ContainerNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`container ${id} not found`);
    this.name = 'ContainerNotFoundError';
  }
}

export interface Runtime {
  /** Creates (or returns the existing) sandbox for a pod. Idempotent per podUid. */
  runPodSandbox(config: SandboxConfig): Promise<SandboxStatus>;
  /** Stops every container of the sandbox (SIGKILL) and marks it notready. */
  stopPodSandbox(sandboxId: string): Promise<void>;
  /** Removes the sandbox's directory and state; containers must be removed first. */
  removePodSandbox(sandboxId: string): Promise<void>;
  listPodSandboxes(): Promise<SandboxStatus[]>;

  /** Resolves the image (ImagePullError when impossible) and records the container; does not start it. */
  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `gracePeriodSeconds`; resolves once it has exited. */
  stopContainer(containerId: string, gracePeriodSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  /** All containers (of one sandbox when given), newest attempt last. */
  listContainers(sandboxId?: string): Promise<ContainerStatus[]>;

  /** Runs a command in the container's context (its env, cwd and mounts) and collects output. */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult>;
  /** Streams a command; resolves with the exit code. */
  exec(containerId: string, cmd: string[], streams: ExecStreams): Promise<number>;
  /** Host path of the container's log file (stdout and stderr, one line per write, CRI log format). */
  logPath(containerId: string): Promise<string>;
}
