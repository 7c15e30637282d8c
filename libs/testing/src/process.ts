/**
 * Child processes for integration tests: spawn, capture output, wait until
 * ready, and always clean up.
 *
 * Each child runs in its own process group (spawned detached), so stopping
 * it also stops anything it started. Every live child is also remembered in
 * a module-wide registry that SIGKILLs the groups when this Node process
 * exits or gets SIGINT/SIGTERM/SIGHUP, so a crashed or interrupted test run
 * does not leave servers behind.
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { waitFor } from './wait-for';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartProcessOptions {
  /** Extra environment, merged over `process.env`. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Log prefix and name in errors (default: basename of cmd). */
  name?: string;
  /** Ready once a stdout/stderr line matches (string: substring match). */
  readyLine?: string | RegExp;
  /** Ready once this returns truthy (polled; throws count as "not yet"). */
  readyCheck?: () => unknown;
  /** Deadline for readiness (default 10000 ms). */
  readyTimeoutMs?: number;
  /** Mirror output to stderr, prefixed (default: K8TS_TEST_LOGS=1). */
  echo?: boolean;
  /** Which tracker to register with (default: {@link defaultProcessTracker}). */
  tracker?: ProcessTracker;
  /** Lines of output kept in memory (default 2000). */
  maxLines?: number;
}

export interface StopOptions {
  /** First signal sent to the process group (default SIGTERM). */
  signal?: NodeJS.Signals;
  /** Escalate to SIGKILL after this long (default 5000 ms). */
  timeoutMs?: number;
}

type LineListener = (line: string) => void;

/** A spawned child process. Create with {@link startProcess}. */
export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private readonly lines: string[] = [];
  private readonly listeners = new Set<LineListener>();
  private readonly echo: boolean;
  private readonly maxLines: number;

  /** @internal use {@link startProcess} */
  constructor(
    name: string,
    child: ReturnType<typeof spawn>,
    opts: { echo: boolean; maxLines: number },
  ) {
    if (child.pid === undefined) throw new Error(`${name}: spawn returned no pid`);
    this.name = name;
    this.pid = child.pid;
    this.echo = opts.echo;
    this.maxLines = opts.maxLines;
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        unregisterLive(this);
        resolve(this.exitInfo);
      });
    });
    if (child.stdout) this.pipeLines(child.stdout);
    if (child.stderr) this.pipeLines(child.stderr);
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Captured output lines (stdout and stderr interleaved, unprefixed). */
  output(): string[] {
    return [...this.lines];
  }

  /** The last `n` lines, for error messages. */
  tail(n = 30): string {
    return this.lines.slice(-n).join('\n');
  }

  /** Resolves with the first line (already seen or future) matching `pattern`. */
  waitForLine(pattern: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const matches = (l: string) => (typeof pattern === 'string' ? l.includes(pattern) : pattern.test(l));
    const seen = this.lines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener: LineListener = (l) => {
        if (matches(l)) {
          cleanup();
          resolve(l);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: no line matching ${String(pattern)} within ${timeoutMs}ms\n${this.tail()}`));
      }, timeoutMs);
      this.listeners.add(listener);
      void this.exited.then((info) => {
        if (!this.listeners.has(listener)) return;
        cleanup();
        reject(
          new Error(`${this.name}: exited (${formatExit(info)}) before printing ${String(pattern)}\n${this.tail()}`),
        );
      });
    });
  }

  /**
   * Stops the whole process group: `signal` first, SIGKILL after
   * `timeoutMs`, then SIGKILL once more for any stragglers in the group.
   * Safe to call repeatedly and after the process has exited.
   */
  async stop(opts: StopOptions = {}): Promise<ExitInfo> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    if (this.running) {
      signalGroup(this.pid, opts.signal ?? 'SIGTERM');
      const timedOut = await Promise.race([
        this.exited.then(() => false),
        delay(timeoutMs).then(() => true),
      ]);
      if (timedOut) signalGroup(this.pid, 'SIGKILL');
    }
    const info = await this.exited;
    signalGroup(this.pid, 'SIGKILL');
    return info;
  }

  /** @internal synchronous last-resort kill, used on process exit. */
  killGroupNow(): void {
    signalGroup(this.pid, 'SIGKILL');
  }

  private pipeLines(stream: NodeJS.ReadableStream): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const l of parts) this.addLine(l);
    });
    stream.on('end', () => {
      if (partial) this.addLine(partial);
      partial = '';
    });
  }

  private addLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
    if (this.echo) process.stderr.write(`[${this.name}] ${line}\n`);
    for (const l of [...this.listeners]) l(line);
  }
}

/**
 * A group of processes stopped together, typically one per test file:
 * `afterAll(() => tracker.stopAll())`.
 */
export class ProcessTracker {
  private readonly procs = new Set<ManagedProcess>();

  track(p: ManagedProcess): ManagedProcess {
    this.procs.add(p);
    void p.exited.then(() => this.procs.delete(p));
    return p;
  }

  /** Processes that are still running. */
  get running(): ManagedProcess[] {
    return [...this.procs].filter((p) => p.running);
  }

  async stopAll(opts?: StopOptions): Promise<void> {
    const all = [...this.procs];
    this.procs.clear();
    await Promise.all(all.map((p) => p.stop(opts)));
  }
}

/** The tracker {@link startProcess} uses when none is given. */
export const defaultProcessTracker = new ProcessTracker();

/**
 * Spawns `cmd args` in a new process group, captures its output and, when
 * `readyLine` and/or `readyCheck` are given, resolves only once it is
 * ready. If it exits or misses the deadline first, it is stopped and the
 * error carries the tail of its output.
 */
export async function startProcess(
  cmd: string,
  args: readonly string[] = [],
  opts: StartProcessOptions = {},
): Promise<ManagedProcess> {
  const name = opts.name ?? basename(cmd);
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (err) => reject(new Error(`${name}: cannot start ${cmd}: ${err.message}`, { cause: err })));
  });
  // Later errors (e.g. a failed kill) must not become uncaught 'error' events.
  child.on('error', () => undefined);
  const proc = new ManagedProcess(name, child, {
    echo: opts.echo ?? process.env['K8TS_TEST_LOGS'] === '1',
    maxLines: opts.maxLines ?? 2000,
  });
  registerLive(proc);
  (opts.tracker ?? defaultProcessTracker).track(proc);

  const timeoutMs = opts.readyTimeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  try {
    if (opts.readyLine !== undefined) await proc.waitForLine(opts.readyLine, timeoutMs);
    const readyCheck = opts.readyCheck;
    if (readyCheck) {
      await waitFor(
        () => {
          if (!proc.running) throw new Error(`exited (${formatExit(proc.exit)})`);
          return readyCheck();
        },
        { timeoutMs: Math.max(0, deadline - Date.now()), desc: `${name} readyCheck` },
      );
    }
  } catch (err) {
    await proc.stop({ timeoutMs: 2000 });
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`${name} did not become ready: ${msg}\n--- last output ---\n${proc.tail()}`, { cause: err });
  }
  return proc;
}

export function formatExit(info: ExitInfo | undefined): string {
  if (!info) return 'running';
  return info.signal ? `signal ${info.signal}` : `code ${String(info.code)}`;
}

/** True if a process with this pid exists (signal 0 probe). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

// ---- last-resort cleanup when this Node process goes away ----

const liveProcesses = new Set<ManagedProcess>();
const hooks: Array<[string, (...args: unknown[]) => void]> = [];

// Hooks are installed while at least one child is alive and removed after the
// last one exits, so test files sharing a jest worker do not pile up listeners.
function registerLive(p: ManagedProcess): void {
  liveProcesses.add(p);
  if (hooks.length === 0) {
    hooks.push(['exit', killAllLiveNow]);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const onSignal = () => {
        killAllLiveNow();
        // Keep the default behaviour (terminate) unless someone else handles the signal.
        if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
      };
      hooks.push([sig, onSignal]);
    }
    for (const [event, fn] of hooks) process.on(event, fn);
  }
}

function unregisterLive(p: ManagedProcess): void {
  liveProcesses.delete(p);
  if (liveProcesses.size === 0) removeHooks();
}

function removeHooks(): void {
  for (const [event, fn] of hooks.splice(0)) process.removeListener(event, fn);
}

function killAllLiveNow(): void {
  removeHooks();
  for (const p of liveProcesses) {
    try {
      p.killGroupNow();
    } catch {
      // best effort
    }
  }
  liveProcesses.clear();
}
