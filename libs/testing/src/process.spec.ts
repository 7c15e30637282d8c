import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';
import { freePort } from './free-port';
import { ProcessTracker, isPidAlive, startProcess } from './process';
import { waitFor } from './wait-for';

jest.setTimeout(20_000);

const tracker = new ProcessTracker();
afterAll(() => tracker.stopAll());

describe('startProcess', () => {
  it('waits for a ready line and captures output', async () => {
    const p = await startProcess('sh', ['-c', 'echo starting; echo oops >&2; echo READY; exec sleep 60'], {
      tracker,
      readyLine: /^READY$/,
    });
    expect(p.running).toBe(true);
    await p.waitForLine('oops'); // stderr may arrive after stdout
    expect(p.output()).toEqual(expect.arrayContaining(['starting', 'oops', 'READY']));
    await p.stop();
    expect(p.running).toBe(false);
    expect(isPidAlive(p.pid)).toBe(false);
  });

  it('kills the whole process group, grandchildren included', async () => {
    const p = await startProcess('sh', ['-c', 'sleep 60 & echo "child=$!"; wait'], {
      tracker,
      readyLine: 'child=',
    });
    const line = await p.waitForLine(/^child=\d+$/);
    const grandchild = Number(line.split('=')[1]);
    expect(isPidAlive(grandchild)).toBe(true);
    await p.stop();
    // The grandchild is not our child, so it may linger briefly as a zombie until init reaps it.
    await waitFor(() => !isPidAlive(grandchild) || isZombie(grandchild), { desc: 'grandchild to die' });
  });

  it('escalates to SIGKILL when the process ignores SIGTERM', async () => {
    const p = await startProcess('sh', ['-c', "trap '' TERM; echo up; while :; do sleep 1; done"], {
      tracker,
      readyLine: 'up',
    });
    const info = await p.stop({ timeoutMs: 200 });
    expect(info.signal).toBe('SIGKILL');
  });

  it('supports readyCheck', async () => {
    const port = await freePort();
    const script = `require('node:net').createServer().listen(${port}, '127.0.0.1'); setTimeout(() => {}, 1e9);`;
    const p = await startProcess(process.execPath, ['-e', script], {
      tracker,
      readyCheck: () => canConnect(port),
    });
    expect(await canConnect(port)).toBe(true);
    await p.stop();
  });

  it('fails clearly when the process exits before it is ready', async () => {
    await expect(
      startProcess('sh', ['-c', 'echo "fatal: bad flag"; exit 3'], { tracker, readyLine: 'READY' }),
    ).rejects.toThrow(/did not become ready: .*exited \(code 3\)[\s\S]*fatal: bad flag/);
  });

  it('fails clearly when the ready line never comes', async () => {
    await expect(
      startProcess('sleep', ['60'], { tracker, readyLine: 'never', readyTimeoutMs: 200 }),
    ).rejects.toThrow(/no line matching never within 200ms/);
    expect(tracker.running.filter((p) => p.name === 'sleep')).toHaveLength(0);
  });

  it('fails clearly when the binary does not exist', async () => {
    await expect(startProcess('/nonexistent/k8ts-binary', [], { tracker })).rejects.toThrow(/cannot start .*ENOENT/);
  });
});

describe('cleanup when the test process goes away', () => {
  let dir: string;
  beforeAll(() => {
    // Run the real module in a plain Node process (the way a jest worker uses it).
    const tmp = resolve(__dirname, '../../../tmp');
    mkdirSync(tmp, { recursive: true });
    dir = mkdtempSync(join(tmp, 'process-spec-'));
    for (const f of ['process.ts', 'wait-for.ts']) {
      const { outputText } = transpileModule(readFileSync(join(__dirname, f), 'utf8'), {
        compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022 },
      });
      writeFileSync(join(dir, f.replace(/\.ts$/, '.js')), outputText);
    }
    writeFileSync(
      join(dir, 'driver.js'),
      `const { startProcess } = require('./process.js');
startProcess('sh', ['-c', 'sleep 60 & echo "grandchild=$!"; wait'], { readyLine: 'grandchild=' }).then((p) => {
  const gc = p.output().find((l) => l.startsWith('grandchild=')).split('=')[1];
  console.log(JSON.stringify({ child: p.pid, grandchild: Number(gc) }));
  if (process.argv[2] === 'exit') process.exit(0);
  setInterval(() => {}, 1000);
});`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([['exit'], ['SIGTERM'], ['SIGINT']])('kills children on %s', async (how) => {
    const driver = spawn(process.execPath, [join(dir, 'driver.js'), how], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => driver.once('exit', r));
    const pids = await new Promise<{ child: number; grandchild: number }>((ok, fail) => {
      let out = '';
      driver.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) ok(JSON.parse(out.split('\n')[0] ?? ''));
      });
      driver.once('exit', () => fail(new Error(`driver exited early: ${out}`)));
    });
    if (how !== 'exit') driver.kill(how as NodeJS.Signals);
    await exited;
    await waitFor(() => !isPidAlive(pids.child) || isZombie(pids.child), { desc: 'child to die' });
    await waitFor(() => !isPidAlive(pids.grandchild) || isZombie(pids.grandchild), { desc: 'grandchild to die' });
  });
});

describe('freePort', () => {
  it('returns a bindable loopback port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    await new Promise<void>((resolve, reject) => {
      const srv = createServer().listen(port, '127.0.0.1', () => srv.close(() => resolve()));
      srv.once('error', reject);
    });
  });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
