// One supervised child process of the stack: its own process group (so
// stopping it also stops whatever it spawned), every output line prefixed
// with its name.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const COLORS = [36, 33, 35, 32, 34, 31, 96, 93, 95];
let nextColor = 0;

export class Child {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  private stopping = false;

  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    onUnexpectedExit: (name: string, code: number | null) => void,
  ) {
    const color = COLORS[nextColor++ % COLORS.length];
    const prefix = process.stdout.isTTY ? `\x1b[${color}m${name.padEnd(20)}\x1b[0m| ` : `${name.padEnd(20)}| `;
    this.proc = spawn(cmd, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
    }
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
    void this.exited.then((code) => {
      if (!this.stopping) onUnexpectedExit(name, code);
    });
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const pid = this.proc.pid;
    if (pid === undefined || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    kill('SIGKILL');
  }
}
