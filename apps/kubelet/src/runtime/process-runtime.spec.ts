import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { ImageCatalog, imageLookupKeys, telemetryEnvOf } from './images';
import { ProcessRuntime, isAlive, mountEnvName } from './process-runtime';
import { detectMountNamespaces, type MountNamespaceMode } from './mount-namespace';
import { ContainerConfig, ContainerStatus, ImagePullError, SandboxConfig } from './runtime';

jest.setTimeout(60_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Live (non-zombie) processes whose cwd, cmdline or environment mention dir. */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      let hit = false;
      try {
        hit = fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
      } catch {
        /* no access */
      }
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (hit || cmdline.includes(dir) || environ.includes(dir)) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

const octet = (): number => 2 + Math.floor(Math.random() * 250);
let ip = '';
let stateDir = '';
let rt: ProcessRuntime;
const runtimes: ProcessRuntime[] = [];

// The unprivileged layout (symlinks + env) unless a test asks for mount namespaces.
function newRuntime(mountNamespaces: MountNamespaceMode = 'off'): ProcessRuntime {
  const r = new ProcessRuntime({ stateDir, echoEntry: '/opt/echo/main.js', mountNamespaces });
  runtimes.push(r);
  return r;
}

const sandbox = (uid: string, emptyDirs: string[] = []): SandboxConfig => ({
  podUid: uid,
  name: `pod-${uid}`,
  namespace: 'default',
  ip,
  hostname: `pod-${uid}`,
  emptyDirs,
});

const node = (name: string, script: string, extra: Partial<ContainerConfig> = {}): ContainerConfig => ({
  name,
  image: 'k8ts/shell',
  command: ['node', '-e', script],
  args: [],
  env: { POD_IP: ip },
  mounts: [],
  attempt: 0,
  ...extra,
});

async function logOf(r: ProcessRuntime, id: string): Promise<string> {
  try {
    return fs.readFileSync(await r.logPath(id), 'utf8');
  } catch {
    return '';
  }
}

const waitLog = (r: ProcessRuntime, id: string, text: string): Promise<string> =>
  waitFor(`log "${text}"`, async () => {
    const l = await logOf(r, id);
    return l.includes(text) ? l : undefined;
  });

const waitExited = (r: ProcessRuntime, id: string): Promise<ContainerStatus> =>
  waitFor('container exit', async () => {
    const s = await r.containerStatus(id);
    return s.state === 'exited' ? s : undefined;
  });

async function run(r: ProcessRuntime, sbId: string, cfg: ContainerConfig): Promise<string> {
  const id = await r.createContainer(sbId, cfg);
  await r.startContainer(id);
  return id;
}

beforeEach(() => {
  ip = `127.244.${octet()}.${octet()}`;
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-runtime-'));
  rt = newRuntime();
});

afterEach(async () => {
  const cleaner = new ProcessRuntime({ stateDir });
  for (const sb of await cleaner.listPodSandboxes()) {
    await cleaner.stopPodSandbox(sb.id);
    await cleaner.removePodSandbox(sb.id);
  }
  runtimes.length = 0;
  let left: string[] = [];
  try {
    await waitFor('no leftover processes', () => (left = processesUsing(stateDir)).length === 0, 5000);
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  expect(left).toEqual([]);
});

describe('image catalog', () => {
  it('gives k8ts/echo the kubelet\'s OTEL_* settings as image defaults (the container env wins)', () => {
    const env = telemetryEnvOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SERVICE_NAME: 'kubelet', PATH: '/bin' });
    expect(env).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    const c = new ImageCatalog({ echoEntry: '/e.js', telemetryEnv: env });
    expect(c.resolve('k8ts/echo', [], []).env).toEqual(env);
    expect(c.resolve('k8ts/pause', [], []).env).toEqual({});
  });

  it('resolves built-ins, commands and catalog files', () => {
    const file = path.join(stateDir, 'catalog.yaml');
    fs.writeFileSync(file, 'images:\n  myorg/web: ["node", "/srv/web.js"]\n  myorg/job:\n    entrypoint: [python3]\n    cmd: [job.py]\n    env: { MODE: batch }\n');
    const c = new ImageCatalog({ echoEntry: '/opt/echo/main.js', catalogFile: file });
    expect(c.resolve('k8ts/echo', [], []).argv).toEqual([process.execPath, '/opt/echo/main.js']);
    expect(c.resolve('k8ts/echo:v2', [], ['--port', '9000']).argv).toEqual([process.execPath, '/opt/echo/main.js', '--port', '9000']);
    expect(c.resolve('k8ts/pause', [], []).argv).toEqual([process.execPath, '-e', 'setInterval(() => {}, 1 << 30)']);
    expect(c.resolve('docker.io/library/busybox:1.36', [], ['sh', '-c', 'true']).argv).toEqual(['sh', '-c', 'true']);
    expect(c.resolve('myorg/web:1.0', [], []).argv).toEqual(['node', '/srv/web.js']);
    expect(c.resolve('myorg/job', [], [])).toEqual({ argv: ['python3', 'job.py'], env: { MODE: 'batch' } });
    expect(c.resolve('foo/bar', ['run'], ['x']).argv).toEqual(['run', 'x']);
    expect(() => c.resolve('foo/bar', [], [])).toThrow(
      'image "foo/bar" is not in the k8ts image catalog and the container sets no command; add it to --image-catalog or set command',
    );
    expect(imageLookupKeys('localhost:5000/a/b')).toContain('localhost:5000/a/b');
    expect(mountEnvName('/var/cache/app')).toBe('K8TS_MOUNT_VAR_CACHE_APP');
  });
});

describe('ProcessRuntime', () => {
  it('runs a container serving HTTP on the pod IP, with CRI-format logs', async () => {
    const sb = await rt.runPodSandbox(sandbox('web'));
    expect(sb).toMatchObject({ id: 'web', state: 'ready', ip });
    const script = `require('http').createServer((q, s) => s.end('hello from ' + process.env.POD_IP))
      .listen(8080, process.env.POD_IP, () => { console.log('listening'); console.error('on stderr'); })`;
    const id = await run(rt, sb.id, node('web', script));
    const log = await waitLog(rt, id, 'on stderr');
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z stdout F listening$/m);
    expect(log).toMatch(/ stderr F on stderr$/m);
    const res = await fetch(`http://${ip}:8080/`);
    expect(await res.text()).toBe(`hello from ${ip}`);
    const st = await rt.containerStatus(id);
    expect(st).toMatchObject({ state: 'running', name: 'web', attempt: 0 });
    expect(isAlive(st.pid!)).toBe(true);
    expect(await rt.listContainers(sb.id)).toHaveLength(1);
  });

  it('shares emptyDirs between the containers of a pod', async () => {
    const sb = await rt.runPodSandbox(sandbox('vol', ['shared']));
    const writer = node('writer', `require('fs').writeFileSync(process.env.K8TS_ROOTFS + '/data/msg', 'written by writer')`, {
      mounts: [{ volume: 'shared', mountPath: '/data' }],
    });
    const reader = node(
      'reader',
      `const fs = require('fs'); const f = process.env.K8TS_MOUNT_IN + '/msg';
       const t = setInterval(() => { if (fs.existsSync(f)) { console.log('read: ' + fs.readFileSync(f, 'utf8'));
         console.log('rootfs: ' + fs.readFileSync(process.env.K8TS_ROOTFS + '/in/msg', 'utf8')); clearInterval(t); } }, 20)`,
      { mounts: [{ volume: 'shared', mountPath: '/in' }] },
    );
    const r = await run(rt, sb.id, reader);
    const w = await run(rt, sb.id, writer);
    expect(await waitExited(rt, w)).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await waitExited(rt, r)).toMatchObject({ exitCode: 0 });
    const log = await logOf(rt, r);
    expect(log).toContain('read: written by writer');
    expect(log).toContain('rootfs: written by writer');
    expect(fs.readFileSync(path.join(sb.dir, 'volumes', 'shared', 'msg'), 'utf8')).toBe('written by writer');
  });

  it('reports exact exit codes', async () => {
    const sb = await rt.runPodSandbox(sandbox('codes'));
    const ok = await run(rt, sb.id, node('ok', 'process.exit(0)'));
    const three = await run(rt, sb.id, node('three', 'process.exit(3)'));
    const killed = await run(rt, sb.id, node('killed', `process.kill(process.pid, 'SIGKILL')`));
    const created = await rt.createContainer(sb.id, node('never', '1'));
    expect(await waitExited(rt, ok)).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await waitExited(rt, three)).toMatchObject({ exitCode: 3, reason: 'Error' });
    const k = await waitExited(rt, killed);
    expect(k).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(Date.parse(k.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(k.startedAt!));
    expect((await rt.containerStatus(created)).state).toBe('created');
  });

  it('fails start for a missing program', async () => {
    const sb = await rt.runPodSandbox(sandbox('nostart'));
    const id = await rt.createContainer(sb.id, { ...node('x', ''), command: ['/no/such/program'] });
    await expect(rt.startContainer(id)).rejects.toThrow(/failed to start.*ENOENT/);
    expect(await rt.containerStatus(id)).toMatchObject({ state: 'exited', reason: 'StartError', exitCode: 128 });
  });

  it('stops with a grace period: SIGTERM first, SIGKILL when ignored', async () => {
    const sb = await rt.runPodSandbox(sandbox('stop'));
    const polite = await run(
      rt,
      sb.id,
      node('polite', `process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0); }); setInterval(() => {}, 1000); console.log('ready')`),
    );
    const stubborn = await run(
      rt,
      sb.id,
      node('stubborn', `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); setInterval(() => {}, 1000); console.log('ready')`),
    );
    await waitLog(rt, polite, 'ready');
    await waitLog(rt, stubborn, 'ready');

    let t0 = Date.now();
    await rt.stopContainer(polite, 10);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await rt.containerStatus(polite)).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(await logOf(rt, polite)).toContain('got SIGTERM');

    t0 = Date.now();
    await rt.stopContainer(stubborn, 1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(await rt.containerStatus(stubborn)).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
    expect(await logOf(rt, stubborn)).toContain('ignoring SIGTERM');
  });

  it('kills the whole process group: background children die with the container and the sandbox', async () => {
    const sb = await rt.runPodSandbox(sandbox('tree'));
    const shortLived = await run(rt, sb.id, { ...node('bg', ''), command: ['sh', '-c', 'sleep 1000 & echo started; exit 0'] });
    expect(await waitExited(rt, shortLived)).toMatchObject({ exitCode: 0 });
    const long = await run(rt, sb.id, { ...node('fg', ''), command: ['sh', '-c', 'sleep 1000 & sleep 1000'] });
    await waitFor('sleep processes', () => processesUsing(stateDir).filter((p) => p.includes('sleep 1000')).length >= 2);
    await rt.stopPodSandbox(sb.id);
    expect(await rt.containerStatus(long)).toMatchObject({ state: 'exited', exitCode: 137 });
    expect((await rt.listPodSandboxes())[0].state).toBe('notready');
    await waitFor('no processes', () => processesUsing(stateDir).length === 0, 5000);
    await rt.removeContainer(long);
    await rt.removeContainer(shortLived);
    await rt.removePodSandbox(sb.id);
    expect(await rt.listPodSandboxes()).toEqual([]);
  });

  it('a new runtime on the same stateDir adopts running containers and sees exits that happened meanwhile', async () => {
    const sb = await rt.runPodSandbox(sandbox('adopt', ['tmp']));
    const server = await run(
      rt,
      sb.id,
      node('server', `require('http').createServer((q, s) => s.end('still here')).listen(8081, process.env.POD_IP, () => console.log('listening'))`),
    );
    const trigger = path.join(sb.dir, 'volumes', 'tmp', 'go');
    const job = await run(
      rt,
      sb.id,
      node('job', `setInterval(() => { if (require('fs').existsSync(process.env.K8TS_MOUNT_T + '/go')) process.exit(7); }, 20)`, {
        mounts: [{ volume: 'tmp', mountPath: '/t' }],
        attempt: 2,
      }),
    );
    await waitLog(rt, server, 'listening');
    const before = await rt.containerStatus(server);
    expect((await rt.containerStatus(job)).state).toBe('running');
    const jobDir = path.dirname(await rt.logPath(job));

    // "The kubelet goes down": nothing uses `rt` from here on.
    fs.writeFileSync(trigger, '');
    await waitFor('job exit.json', () => fs.existsSync(path.join(jobDir, 'exit.json')));

    const rt2 = newRuntime();
    const after = await rt2.containerStatus(server);
    expect(after).toMatchObject({ state: 'running', pid: before.pid, startedAt: before.startedAt });
    expect(await (await fetch(`http://${ip}:8081/`)).text()).toBe('still here');
    expect(await rt2.containerStatus(job)).toMatchObject({ state: 'exited', exitCode: 7, reason: 'Error', attempt: 2 });
    expect((await rt2.listContainers()).map((c) => c.name).sort()).toEqual(['job', 'server']);
    expect((await rt2.listPodSandboxes()).map((s) => s.id)).toEqual(['adopt']);

    await rt2.stopContainer(server, 5);
    expect(await rt2.containerStatus(server)).toMatchObject({ state: 'exited', exitCode: 143 });
  });

  it('fails with ImagePullError for an unknown image without command', async () => {
    const sb = await rt.runPodSandbox(sandbox('pull'));
    const cfg: ContainerConfig = { ...node('x', ''), image: 'foo/bar', command: [] };
    await expect(rt.createContainer(sb.id, cfg)).rejects.toBeInstanceOf(ImagePullError);
    await expect(rt.createContainer(sb.id, cfg)).rejects.toThrow(/not in the k8ts image catalog/);
    expect(await rt.listContainers()).toEqual([]);
  });

  it('execs in the container env and cwd, with exit codes, streaming and timeouts', async () => {
    const sb = await rt.runPodSandbox(sandbox('exec', ['work']));
    const id = await run(
      rt,
      sb.id,
      node('main', 'setInterval(() => {}, 1000)', {
        env: { POD_IP: ip, GREETING: 'hi there' },
        workingDir: '/app',
        mounts: [{ volume: 'work', mountPath: '/app' }],
      }),
    );
    const r = await rt.execSync(id, ['sh', '-c', 'echo "$GREETING"; echo "$HOME"; pwd -P; echo err >&2; exit 4'], 10);
    expect(r).toEqual({ exitCode: 4, stdout: `hi there\n\n${path.join(sb.dir, 'volumes', 'work')}\n`, stderr: 'err\n', timedOut: false });

    const n = await rt.execSync(id, ['node', '-e', 'console.log(process.env.POD_IP)'], 10);
    expect(n).toMatchObject({ exitCode: 0, stdout: `${ip}\n` });

    const t0 = Date.now();
    const slow = await rt.execSync(id, ['sleep', '30'], 0.5);
    expect(slow.timedOut).toBe(true);
    expect(slow.exitCode).toBe(137);
    expect(Date.now() - t0).toBeLessThan(5000);

    expect((await rt.execSync(id, ['no-such-command-k8ts'], 5)).exitCode).toBe(127);

    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (d: Buffer) => chunks.push(d));
    const done = rt.exec(id, ['sh', '-c', 'tr a-z A-Z; exit 2'], { stdin, stdout, stderr: new PassThrough() });
    stdin.end('shout\n');
    expect(await done).toBe(2);
    expect(Buffer.concat(chunks).toString()).toBe('SHOUT\n');
  });

  it('keeps the previous attempt log', async () => {
    const sb = await rt.runPodSandbox(sandbox('logs'));
    const first = await run(rt, sb.id, node('app', `console.log('first attempt'); process.exit(1)`));
    await waitExited(rt, first);
    const second = await run(rt, sb.id, node('app', `console.log('second attempt'); setInterval(() => {}, 1000)`, { attempt: 1 }));
    await waitLog(rt, second, 'second attempt');
    expect(await rt.logPath(first)).not.toBe(await rt.logPath(second));
    expect(await logOf(rt, first)).toContain('first attempt');
    expect(await logOf(rt, first)).not.toContain('second attempt');
    expect(path.basename(await rt.logPath(second))).toBe('1.log');
    const list = await rt.listContainers(sb.id);
    expect(list.map((c) => [c.attempt, c.state])).toEqual([
      [0, 'exited'],
      [1, 'running'],
    ]);
  });
});

// Runs where the kubelet can create mount namespaces (root on Linux, as in CI);
// elsewhere the unprivileged layout above is all there is.
const mountNs = detectMountNamespaces('auto');
(mountNs.enabled ? describe : describe.skip)('private mount namespaces (root)', () => {
  let base = '';
  beforeEach(() => {
    // A mountPath that does not exist on the host yet, so the runtime has to create (and remove) it.
    base = path.join(os.tmpdir(), `k8ts-mnt-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    rt = newRuntime('auto');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('binds emptyDirs at their mountPath, only inside the containers, read-only where asked', async () => {
    const data = path.join(base, 'data');
    const ro = path.join(base, 'ro');
    const sb = await rt.runPodSandbox(sandbox('mnt', ['shared']));
    const writer = await run(rt, sb.id, {
      name: 'writer',
      image: 'k8ts/shell',
      command: ['sh', '-c', `echo from-writer > ${data}/msg && sleep 60`],
      args: [],
      env: {},
      mounts: [{ volume: 'shared', mountPath: data }],
      attempt: 0,
    });
    const reader = await run(rt, sb.id, {
      name: 'reader',
      image: 'k8ts/shell',
      command: ['sh', '-c', `until [ -f ${ro}/msg ]; do sleep 0.05; done; cat ${ro}/msg; echo x > ${ro}/denied || echo write-refused; sleep 60`],
      args: [],
      env: {},
      mounts: [{ volume: 'shared', mountPath: ro, readOnly: true }],
      attempt: 0,
    });
    const log = await waitLog(rt, reader, 'write-refused');
    expect(log).toContain('from-writer');
    // The host sees empty mountpoints, never the volume's files.
    expect(fs.readdirSync(data)).toEqual([]);
    expect(fs.existsSync(path.join(sb.dir, 'volumes', 'shared', 'denied'))).toBe(false);
    // exec enters the container's mount namespace.
    const ex = await rt.execSync(writer, ['cat', `${data}/msg`], 5);
    expect(ex).toMatchObject({ exitCode: 0, stdout: 'from-writer\n' });

    await rt.stopPodSandbox(sb.id);
    await rt.removePodSandbox(sb.id);
    expect(fs.existsSync(base)).toBe(false);
  });

  it('leaves mountpoints that exist on the host in place', async () => {
    fs.mkdirSync(path.join(base, 'keep'), { recursive: true });
    fs.writeFileSync(path.join(base, 'keep', 'host-file'), 'host');
    const sb = await rt.runPodSandbox(sandbox('keep', ['v']));
    const id = await run(rt, sb.id, {
      name: 'c',
      image: 'k8ts/shell',
      command: ['sh', '-c', `ls -A ${base}/keep; echo listed; sleep 60`],
      args: [],
      env: {},
      mounts: [{ volume: 'v', mountPath: path.join(base, 'keep') }],
      attempt: 0,
    });
    const log = await waitLog(rt, id, 'listed');
    expect(log).not.toContain('host-file'); // the volume hides the host dir inside the container
    await rt.stopPodSandbox(sb.id);
    await rt.removePodSandbox(sb.id);
    expect(fs.readFileSync(path.join(base, 'keep', 'host-file'), 'utf8')).toBe('host');
  });
});
