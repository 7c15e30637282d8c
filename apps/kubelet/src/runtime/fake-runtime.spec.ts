import { PassThrough } from 'node:stream';
import { FakeRuntime } from './fake-runtime';
import { ContainerConfig, ContainerNotFoundError, ImagePullError, SandboxConfig } from './runtime';

const sandbox = (uid = 'uid-1'): SandboxConfig => ({
  podUid: uid,
  name: 'web',
  namespace: 'default',
  ip: '127.244.1.2',
  hostname: 'web',
  emptyDirs: ['cache'],
});

const container = (name = 'app', attempt = 0, image = 'k8ts/echo'): ContainerConfig => ({
  name,
  image,
  command: [],
  args: [],
  env: { POD_IP: '127.244.1.2' },
  mounts: [],
  attempt,
});

describe('FakeRuntime', () => {
  let t: number;
  let rt: FakeRuntime;
  beforeEach(() => {
    t = Date.UTC(2024, 0, 1);
    rt = new FakeRuntime({ now: () => new Date(t) });
  });

  it('creates sandboxes idempotently and lists them', async () => {
    const a = await rt.runPodSandbox(sandbox());
    const b = await rt.runPodSandbox(sandbox());
    expect(a).toEqual(b);
    expect(a).toMatchObject({ id: 'uid-1', state: 'ready', ip: '127.244.1.2', createdAt: '2024-01-01T00:00:00.000Z' });
    expect(await rt.listPodSandboxes()).toHaveLength(1);
  });

  it('runs a container lifecycle with deterministic ids and clock', async () => {
    const sb = await rt.runPodSandbox(sandbox());
    const id = await rt.createContainer(sb.id, container());
    expect(id).toBe('fake-0001');
    expect((await rt.containerStatus(id)).state).toBe('created');
    t += 1000;
    await rt.startContainer(id);
    const running = await rt.containerStatus(id);
    expect(running).toMatchObject({ state: 'running', startedAt: '2024-01-01T00:00:01.000Z' });
    expect(running.pid).toBeGreaterThan(0);
    t += 1000;
    rt.setExit('app', 3);
    expect(await rt.containerStatus(id)).toMatchObject({
      state: 'exited',
      exitCode: 3,
      reason: 'Error',
      finishedAt: '2024-01-01T00:00:02.000Z',
    });
    const id2 = await rt.createContainer(sb.id, container('app', 1));
    await rt.startContainer(id2);
    rt.setExit(id2, 0);
    expect(await rt.containerStatus(id2)).toMatchObject({ exitCode: 0, reason: 'Completed', attempt: 1 });
    expect((await rt.listContainers(sb.id)).map((c) => c.attempt)).toEqual([0, 1]);
  });

  it('setExit by name prefers the running container', async () => {
    const sb = await rt.runPodSandbox(sandbox());
    const old = await rt.createContainer(sb.id, container('app', 0));
    await rt.startContainer(old);
    rt.setExit(old, 1);
    const cur = await rt.createContainer(sb.id, container('app', 1));
    await rt.startContainer(cur);
    await rt.createContainer(sb.id, container('app', 2)); // created, not running
    expect(rt.setExit('app', 0).id).toBe(cur);
  });

  it('fails image pulls on demand', async () => {
    const sb = await rt.runPodSandbox(sandbox());
    rt.failImage('foo/bar');
    await expect(rt.createContainer(sb.id, container('x', 0, 'foo/bar'))).rejects.toBeInstanceOf(ImagePullError);
    rt.clearImageFailure('foo/bar');
    await expect(rt.createContainer(sb.id, container('x', 0, 'foo/bar'))).resolves.toMatch(/^fake-/);
  });

  it('fails starts on demand', async () => {
    const sb = await rt.runPodSandbox(sandbox());
    rt.failStart('app');
    const id = await rt.createContainer(sb.id, container());
    await expect(rt.startContainer(id)).rejects.toThrow(/failed to start/);
    expect((await rt.containerStatus(id)).state).toBe('created');
  });

  it('answers exec with configured results', async () => {
    const sb = await rt.runPodSandbox(sandbox());
    const id = await rt.createContainer(sb.id, container());
    await rt.startContainer(id);
    rt.execResult(['cat', '/tmp/healthy'], { exitCode: 1, stderr: 'no such file' });
    rt.execResult('echo hi', (_cid, cmd) => ({ exitCode: 0, stdout: cmd[1] + '\n', stderr: '', timedOut: false }));
    expect(await rt.execSync(id, ['cat', '/tmp/healthy'], 1)).toEqual({ exitCode: 1, stdout: '', stderr: 'no such file', timedOut: false });
    expect(await rt.execSync(id, ['true'], 1)).toMatchObject({ exitCode: 0 });
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (d: Buffer) => chunks.push(d.toString()));
    expect(await rt.exec(id, ['echo', 'hi'], { stdout: out, stderr: new PassThrough() })).toBe(0);
    expect(chunks.join('')).toBe('hi\n');
  });

  it('stops containers and sandboxes', async () => {
    const sb = await rt.runPodSandbox(sandbox());
    const a = await rt.createContainer(sb.id, container('a'));
    const b = await rt.createContainer(sb.id, container('b'));
    await rt.startContainer(a);
    await rt.startContainer(b);
    await rt.stopContainer(a, 30);
    expect(await rt.containerStatus(a)).toMatchObject({ state: 'exited', exitCode: 143 });
    await rt.stopPodSandbox(sb.id);
    expect(await rt.containerStatus(b)).toMatchObject({ state: 'exited', exitCode: 137 });
    expect((await rt.listPodSandboxes())[0].state).toBe('notready');
    await expect(rt.createContainer(sb.id, container('c'))).rejects.toThrow(/not ready/);
    await rt.removePodSandbox(sb.id);
    expect(await rt.listContainers()).toEqual([]);
    await expect(rt.containerStatus(a)).rejects.toBeInstanceOf(ContainerNotFoundError);
  });

  it('records calls and keeps logs in memory', async () => {
    const sb = await rt.runPodSandbox(sandbox());
    const id = await rt.createContainer(sb.id, container());
    rt.appendLog('app', 'hello\n');
    expect(rt.logContent(id)).toBe('hello\n');
    expect(await rt.logPath(id)).toContain('app/0.log');
    expect(rt.calls.map((c) => c.method)).toEqual(['runPodSandbox', 'createContainer', 'logPath']);
    expect(rt.callsOf('createContainer')[0][0]).toBe('uid-1');
    expect(rt.containerConfig(id).env).toEqual({ POD_IP: '127.244.1.2' });
  });
});
