/**
 * A real nats-server (with JetStream) for integration tests.
 *
 * The first start binds 127.0.0.1 port -1, i.e. nats-server asks the kernel
 * for a free port itself and logs it, so there is no window in which another
 * process could take a port we picked. `restart()` reuses that port and the
 * same store directory, which is what "survives a NATS restart" tests need.
 */
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type ManagedProcess, type ProcessTracker, startProcess } from './process';
import { waitFor } from './wait-for';

export interface StartNatsServerOptions {
  /** Path of the nats-server binary (default: $K8TS_NATS_SERVER, then PATH, /usr/sbin, /usr/local/bin). */
  binary?: string;
  /** Enable JetStream (default true). */
  jetstream?: boolean;
  /** Data directory; a fresh temp dir by default. A given dir is never deleted. */
  storeDir?: string;
  /** Keep the temp data directory on stop() (default false). */
  keepData?: boolean;
  /** Fixed client port (default: a free port chosen by nats-server). */
  port?: number;
  /** Deadline for startup (default 15000 ms). */
  startTimeoutMs?: number;
  /** Extra nats-server arguments. */
  args?: string[];
  /** Mirror server logs to stderr (default: K8TS_TEST_LOGS=1). */
  echo?: boolean;
  /** Tracker to register the process with (default: the module-wide one). */
  tracker?: ProcessTracker;
}

export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** JetStream store directory (nats-server's `-sd`). */
  readonly storeDir: string;
  /** pid of the current server process. */
  readonly pid: number;
  /** Captured log lines of the current server process. */
  logs(): string[];
  /**
   * Stops the server and starts it again on the same port with the same
   * store directory. `signal: 'SIGKILL'` simulates a crash.
   */
  restart(opts?: { signal?: NodeJS.Signals }): Promise<void>;
  /** Stops the server (idempotent) and removes the temp store unless keepData. */
  stop(): Promise<void>;
}

export class NatsServerNotFoundError extends Error {
  constructor(searched: string[]) {
    super(
      `nats-server binary not found (looked in: ${searched.join(', ')}). ` +
        'Install it with `apt-get install -y nats-server` (or run tools/scripts/ensure-nats.sh), ' +
        'or point K8TS_NATS_SERVER at the binary.',
    );
    this.name = 'NatsServerNotFoundError';
  }
}

const HOST = '127.0.0.1';
const LISTEN_RE = /Listening for client connections on (?:\S+):(\d+)/;
const READY_LINE = 'Server is ready';

/** Finds the nats-server binary or throws {@link NatsServerNotFoundError}. */
export function findNatsServerBinary(explicit?: string): string {
  const candidates: string[] = [];
  const fromEnv = explicit ?? process.env['K8TS_NATS_SERVER'];
  if (fromEnv) candidates.push(fromEnv);
  else {
    const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
    for (const d of [...dirs, '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin']) {
      const c = join(d, 'nats-server');
      if (!candidates.includes(c)) candidates.push(c);
    }
  }
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  throw new NatsServerNotFoundError(candidates);
}

/** Starts nats-server on a free loopback port and waits until it accepts clients. */
export async function startNatsServer(opts: StartNatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = findNatsServerBinary(opts.binary);
  const ownDir = opts.storeDir === undefined;
  const storeDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'k8ts-nats-'));
  const startTimeoutMs = opts.startTimeoutMs ?? 15_000;

  const launch = async (port: number): Promise<{ proc: ManagedProcess; port: number }> => {
    const args = ['-a', HOST, '-p', String(port)];
    if (opts.jetstream ?? true) args.push('-js', '-sd', storeDir);
    args.push(...(opts.args ?? []));
    const proc = await startProcess(binary, args, {
      name: 'nats-server',
      readyLine: READY_LINE,
      readyTimeoutMs: startTimeoutMs,
      echo: opts.echo,
      tracker: opts.tracker,
    });
    try {
      const line = proc.output().find((l) => LISTEN_RE.test(l));
      const actual = Number(line?.match(LISTEN_RE)?.[1]);
      if (!Number.isInteger(actual) || actual <= 0) {
        throw new Error(`could not find the client port in the server log\n${proc.tail()}`);
      }
      await waitFor(() => acceptsClients(actual), {
        timeoutMs: startTimeoutMs,
        desc: `nats-server on ${HOST}:${actual} to send INFO`,
      });
      return { proc, port: actual };
    } catch (err) {
      await proc.stop();
      throw err;
    }
  };

  let current: ManagedProcess;
  let port: number;
  try {
    ({ proc: current, port } = await launch(opts.port ?? -1));
  } catch (err) {
    if (ownDir && !opts.keepData) rmSync(storeDir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  // If the test process dies without calling stop(), at least remove the temp store
  // (the process module already kills the server itself).
  const removeStore = () => {
    if (ownDir && !opts.keepData) rmSync(storeDir, { recursive: true, force: true });
  };
  process.once('exit', removeStore);

  const handle: NatsServerHandle = {
    url: `nats://${HOST}:${port}`,
    port,
    storeDir,
    get pid() {
      return current.pid;
    },
    logs: () => current.output(),
    async restart(restartOpts = {}) {
      if (stopped) throw new Error('nats-server: restart() after stop()');
      await current.stop({ signal: restartOpts.signal ?? 'SIGTERM' });
      // The port was ours a moment ago; retry briefly in case the kernel is slow to release it.
      current = await retry(() => launch(port).then((r) => r.proc), startTimeoutMs);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await current.stop();
      process.removeListener('exit', removeStore);
      removeStore();
    },
  };
  return handle;
}

/** Connects, waits for the server's INFO line, disconnects. */
function acceptsClients(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tcpConnect({ host: HOST, port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.includes('\n')) done(buf.startsWith('INFO '));
    });
  });
}

async function retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
