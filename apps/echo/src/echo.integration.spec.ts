// Runs the real echo program (bundled main.ts) as a process on a pod-like
// address and exercises every route.
import { appBundle, type ManagedProcess, ProcessTracker, startProcess, waitFor } from '@k8ts/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.244.9.9';
const tracker = new ProcessTracker();
let bundle: string;
let filesDir: string;

async function startEcho(extraEnv: NodeJS.ProcessEnv = {}): Promise<{ proc: ManagedProcess; base: string }> {
  const proc = await startProcess(process.execPath, [bundle, '--port', '0'], {
    name: 'echo',
    tracker,
    env: {
      OTEL_SDK_DISABLED: 'true',
      POD_NAME: 'web-1',
      POD_NAMESPACE: 'default',
      POD_IP: HOST,
      NODE_NAME: 'node-9',
      FILES_DIR: filesDir,
      ...extraEnv,
    },
    readyLine: 'echo listening on',
  });
  const line = await proc.waitForLine('echo listening on');
  const m = /http:\/\/([\d.]+):(\d+)/.exec(line);
  if (!m) throw new Error(`no address in ${line}`);
  return { proc, base: `http://${m[1]}:${m[2]}` };
}

beforeAll(async () => {
  bundle = await appBundle('echo');
  filesDir = mkdtempSync(join(tmpdir(), 'echo-files-'));
}, 60_000);

afterAll(async () => {
  await tracker.stopAll({ signal: 'SIGKILL' });
  rmSync(filesDir, { recursive: true, force: true });
});

describe('echo (real process)', () => {
  let proc: ManagedProcess;
  let base: string;

  beforeAll(async () => {
    ({ proc, base } = await startEcho());
  });

  it('listens on POD_IP', () => {
    expect(base.startsWith(`http://${HOST}:`)).toBe(true);
  });

  it('GET / answers with who it is, as JSON', async () => {
    const res = await fetch(`${base}/some/path?x=1`, { headers: { 'x-demo': 'yes' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      pod: 'web-1',
      namespace: 'default',
      ip: HOST,
      node: 'node-9',
      path: '/some/path',
      method: 'GET',
    });
    expect((body['headers'] as Record<string, string>)['x-demo']).toBe('yes');
    expect(typeof body['time']).toBe('string');
    expect(Number.isNaN(Date.parse(body['time'] as string))).toBe(false);
  });

  it('?format=text gives one plain line', async () => {
    const res = await fetch(`${base}/?format=text`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(text).toContain('web-1');
    expect(text).toContain(HOST);
    expect(text).toContain('node-9');
  });

  it('logs one line per request: method path status ms', async () => {
    await fetch(`${base}/logged-path`);
    const line = await proc.waitForLine(/^GET \/logged-path 200 [\d.]+ms/);
    expect(line).toMatch(/^GET \/logged-path 200 [\d.]+ms/);
  });

  it('readiness toggles between 200 and 503', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/fail-readiness`, { method: 'POST' })).status).toBe(200);
    const failed = await fetch(`${base}/healthz`);
    expect(failed.status).toBe(503);
    await failed.text();
    expect((await fetch(`${base}/recover`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('GET /sleep responds after the delay', async () => {
    const t0 = Date.now();
    const res = await fetch(`${base}/sleep?ms=300`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('slept 300ms');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('GET /files/<name> serves files a sidecar wrote', async () => {
    writeFileSync(join(filesDir, 'index.html'), 'written by the sidecar\n');
    const res = await fetch(`${base}/files/index.html`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('written by the sidecar\n');
    expect((await fetch(`${base}/files/missing.txt`)).status).toBe(404);
    expect((await fetch(`${base}/files/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
  });
});

describe('echo exits', () => {
  it('POST /crash?code=N responds, then exits with N', async () => {
    const { proc, base } = await startEcho();
    const res = await fetch(`${base}/crash?code=42`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('42');
    expect(await proc.exited).toEqual({ code: 42, signal: null });
  });

  it('POST /crash defaults to exit code 1', async () => {
    const { proc, base } = await startEcho();
    await (await fetch(`${base}/crash`, { method: 'POST' })).text();
    expect((await proc.exited).code).toBe(1);
  });

  it('SIGTERM drains in-flight requests, stops accepting, exits 0', async () => {
    const { proc, base } = await startEcho();
    const slow = fetch(`${base}/sleep?ms=800`).then(async (r) => ({ status: r.status, text: await r.text() }));
    await proc.waitForLine(/./); // listening line already there; give the request a moment to arrive
    await new Promise((r) => setTimeout(r, 150));
    process.kill(proc.pid, 'SIGTERM');
    await proc.waitForLine('SIGTERM received, draining');
    // New connections are refused while the slow request is still running.
    await expect(fetch(`${base}/`)).rejects.toThrow();
    expect(proc.running).toBe(true);
    await expect(slow).resolves.toEqual({ status: 200, text: 'slept 800ms\n' });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});

describe('echo tracing', () => {
  it('continues the incoming traceparent with a SERVER span', async () => {
    const { proc, base } = await startEcho({
      OTEL_SDK_DISABLED: 'false',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      // Nx forces colours in tasks; the console exporter would colour the span.
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    await (await fetch(`${base}/traced`, { headers: { traceparent: `00-${traceId}-${parentId}-01` } })).text();
    const line = await proc.waitForLine(/^GET \/traced 200/);
    expect(line).toContain(`trace=${traceId}`);
    // The console exporter prints the span with its parent.
    // The span is printed as one multi-line block (parent id first, then the
    // name), so wait for the block to be complete, then look at the whole output.
    // eslint-disable-next-line no-control-regex
    const printed = () => proc.output().join('\n').replace(/\x1b\[[0-9;]*m/g, '');
    await waitFor(() => printed().includes("name: 'echo GET'"), { timeoutMs: 5_000, desc: 'span printed' });
    expect(printed()).toContain(parentId);
    await proc.stop();
  });
});
