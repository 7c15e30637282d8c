import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { ContainerNotFoundError, type ContainerState, type ContainerStatus, type ExecResult, type ExecStreams } from '../runtime/runtime';
import { formatLogLine, type KubeletServer, rfc3339Nano, startKubeletServer } from './kubelet-server';
import { KubeletMetrics } from './metrics';

/** Just what the server uses: log files on disk, execSync, container state. */
class TinyRuntime {
  readonly logs = new Map<string, string>();
  readonly states = new Map<string, ContainerState>();
  readonly execs: Array<{ id: string; cmd: string[]; timeout: number }> = [];
  async logPath(id: string): Promise<string> {
    const p = this.logs.get(id);
    if (!p) throw new ContainerNotFoundError(id);
    return p;
  }
  async execSync(id: string, cmd: string[], timeout: number): Promise<ExecResult> {
    this.execs.push({ id, cmd, timeout });
    if (cmd[0] === 'false') return { exitCode: 1, stdout: '', stderr: 'failed\n', timedOut: false };
    return { exitCode: 0, stdout: cmd.slice(1).join(' ') + '\n', stderr: '', timedOut: false };
  }
  async exec(_id: string, cmd: string[], streams: ExecStreams): Promise<number> {
    streams.stdout.write(cmd.join(' ') + '\n');
    return 0;
  }
  async containerStatus(id: string): Promise<ContainerStatus> {
    const state = this.states.get(id);
    if (!state) throw new ContainerNotFoundError(id);
    return { id, sandboxId: 's', name: 'c', image: 'i', attempt: 0, state, createdAt: '', logPath: this.logs.get(id) ?? '' };
  }
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

let dir: string;
let runtime: TinyRuntime;
let server: KubeletServer;
let metrics: KubeletMetrics;
let base: string;
let current: string;
let previous: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubelet-server-'));
  runtime = new TinyRuntime();
  current = join(dir, 'web-1.log');
  previous = join(dir, 'web-0.log');
  runtime.logs.set('c-1', current);
  runtime.logs.set('c-0', previous);
  runtime.states.set('c-1', 'running');
  runtime.states.set('c-0', 'exited');
  writeFileSync(previous, 'old 1\nold 2\n');
  const registry = new Registry();
  metrics = new KubeletMetrics(registry);
  server = await startKubeletServer({
    host: '127.0.0.1',
    port: 0,
    healthzPort: 0,
    runtime,
    metricsRegistry: registry,
    logger: silent,
    followPollMs: 50,
    findContainer: async (ns, pod, container) => {
      if (ns !== 'default' || pod !== 'web') return undefined;
      if (container === 'web' || container === undefined) return { containerId: 'c-1', previousContainerId: 'c-0' };
      if (container === 'fresh') return { containerId: 'c-1' };
      return undefined;
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => writeFileSync(current, 'line 1\nline 2\nline 3\n'));

describe('containerLogs', () => {
  it('returns the whole log', async () => {
    const res = await fetch(`${base}/containerLogs/default/web/web`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('line 1\nline 2\nline 3\n');
  });

  it('tailLines returns the last N lines', async () => {
    expect(await (await fetch(`${base}/containerLogs/default/web/web?tailLines=2`)).text()).toBe('line 2\nline 3\n');
    expect(await (await fetch(`${base}/containerLogs/default/web/web?tailLines=0`)).text()).toBe('');
    expect(await (await fetch(`${base}/containerLogs/default/web/web?tailLines=99`)).text()).toBe('line 1\nline 2\nline 3\n');
    expect((await fetch(`${base}/containerLogs/default/web/web?tailLines=x`)).status).toBe(400);
  });

  it('previous=true reads the previous attempt, 400 when there is none', async () => {
    expect(await (await fetch(`${base}/containerLogs/default/web/web?previous=true`)).text()).toBe('old 1\nold 2\n');
    const res = await fetch(`${base}/containerLogs/default/web/fresh?previous=true`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('previous terminated container');
  });

  it('404 for an unknown pod or container; the container name is optional', async () => {
    expect((await fetch(`${base}/containerLogs/default/nope/web`)).status).toBe(404);
    expect((await fetch(`${base}/containerLogs/default/web/nope`)).status).toBe(404);
    expect(await (await fetch(`${base}/containerLogs/default/web`)).text()).toBe('line 1\nline 2\nline 3\n');
  });

  it('timestamps=true prefixes raw lines with RFC3339Nano, CRI lines with their own time', async () => {
    const text = await (await fetch(`${base}/containerLogs/default/web/web?timestamps=true&tailLines=1`)).text();
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z line 3\n$/);
    writeFileSync(current, '2024-01-01T00:00:01.123456789Z stdout F hello\n');
    expect(await (await fetch(`${base}/containerLogs/default/web/web`)).text()).toBe('hello\n');
    expect(await (await fetch(`${base}/containerLogs/default/web/web?timestamps=true`)).text()).toBe('2024-01-01T00:00:01.123456789Z hello\n');
  });

  it('sinceSeconds / sinceTime skip older stamped lines before the tail is taken', async () => {
    const old = '2020-01-01T00:00:00.000000000Z stdout F ancient\n';
    const recent = (text: string) => `${rfc3339Nano(new Date())} stdout F ${text}\n`;
    writeFileSync(current, old + recent('new 1') + recent('new 2'));
    expect(await (await fetch(`${base}/containerLogs/default/web/web?sinceSeconds=60`)).text()).toBe('new 1\nnew 2\n');
    expect(await (await fetch(`${base}/containerLogs/default/web/web?sinceSeconds=60&tailLines=1`)).text()).toBe('new 2\n');
    expect(await (await fetch(`${base}/containerLogs/default/web/web?sinceTime=2019-12-31T00:00:00Z`)).text()).toBe('ancient\nnew 1\nnew 2\n');
    expect((await fetch(`${base}/containerLogs/default/web/web?sinceSeconds=0`)).status).toBe(400);
    expect((await fetch(`${base}/containerLogs/default/web/web?sinceTime=yesterday`)).status).toBe(400);
  });

  it('limitBytes cuts the output', async () => {
    expect(await (await fetch(`${base}/containerLogs/default/web/web?limitBytes=9`)).text()).toBe('line 1\nli');
  });

  it('follow=true streams appended lines until the client disconnects', async () => {
    const received: string[] = [];
    const ac = new AbortController();
    const res = await fetch(`${base}/containerLogs/default/web/web?follow=true&tailLines=1`, { signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const readUntil = async (needle: string) => {
      while (!received.join('').includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${received.join('')}`);
        received.push(decoder.decode(value));
      }
    };
    await readUntil('line 3\n');
    appendFileSync(current, 'line 4\npart');
    await readUntil('line 4\n');
    appendFileSync(current, 'ial\n');
    await readUntil('partial\n');
    expect(received.join('')).toBe('line 3\nline 4\npartial\n');
    ac.abort();
    await reader.cancel().catch(() => undefined);
  });

  it('follow ends when the container has exited', async () => {
    runtime.states.set('c-1', 'exited');
    try {
      const res = await fetch(`${base}/containerLogs/default/web/web?follow=true`);
      expect(await res.text()).toBe('line 1\nline 2\nline 3\n');
    } finally {
      runtime.states.set('c-1', 'running');
    }
  });
});

describe('exec', () => {
  it('runs the command and returns exit code and output', async () => {
    const res = await fetch(`${base}/exec/default/web/web?command=echo&command=hi&command=there`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ exitCode: 0, stdout: 'hi there\n', stderr: '' });
    expect(runtime.execs.at(-1)).toEqual({ id: 'c-1', cmd: ['echo', 'hi', 'there'], timeout: 60 });
    const failed = await fetch(`${base}/exec/default/web/web?command=false&timeoutSeconds=5`, { method: 'POST' });
    expect(await failed.json()).toEqual({ exitCode: 1, stdout: '', stderr: 'failed\n' });
    expect(runtime.execs.at(-1)?.timeout).toBe(5);
  });

  it('rejects a missing command, GET, and unknown containers', async () => {
    expect((await fetch(`${base}/exec/default/web/web`, { method: 'POST' })).status).toBe(400);
    expect((await fetch(`${base}/exec/default/web/web?command=ls`)).status).toBe(405);
    expect((await fetch(`${base}/exec/default/nope/web?command=ls`, { method: 'POST' })).status).toBe(404);
  });
});

describe('health and metrics', () => {
  it('serves /healthz on both ports, /metrics only on the API port', async () => {
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
    const healthz = `http://127.0.0.1:${server.healthzPort}`;
    expect(await (await fetch(`${healthz}/healthz`)).text()).toBe('ok\n');
    expect((await fetch(`${healthz}/metrics`)).status).toBe(404);
  });

  it('exposes the kubelet metrics', async () => {
    metrics.setRunning(2, ['running', 'running', 'exited']);
    metrics.podStartDuration.observe(1.5);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('kubelet_running_pods 2');
    expect(text).toContain('kubelet_running_containers{container_state="running"} 2');
    expect(text).toContain('kubelet_running_containers{container_state="exited"} 1');
    expect(text).toContain('kubelet_running_containers{container_state="created"} 0');
    expect(text).toContain('kubelet_pod_start_duration_seconds_bucket{le="2"} 1');
    expect(text).toContain('kubelet_pod_start_duration_seconds_count 1');
  });

  it('new KubeletMetrics() also collects default process metrics', async () => {
    const m = new KubeletMetrics();
    expect(await m.registry.metrics()).toContain('process_cpu_user_seconds_total');
  });

  it('unknown paths are 404', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

describe('stop', () => {
  it('ends open follow streams', async () => {
    const registry = new Registry();
    const s = await startKubeletServer({
      host: '127.0.0.1',
      port: 0,
      healthzPort: 0,
      runtime,
      metricsRegistry: registry,
      logger: silent,
      followPollMs: 50,
      findContainer: async () => ({ containerId: 'c-1' }),
    });
    const body = new Promise<string>((resolve, reject) => {
      request(`http://127.0.0.1:${s.port}/containerLogs/default/web/web?follow=true`, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    await new Promise((r) => setTimeout(r, 150));
    await s.stop();
    expect(await body).toBe('line 1\nline 2\nline 3\n');
  });
});

describe('formatLogLine', () => {
  it('formats raw and CRI lines', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(rfc3339Nano(at)).toBe('2024-01-02T03:04:05.678000000Z');
    expect(formatLogLine('raw', true, () => at)).toBe('2024-01-02T03:04:05.678000000Z raw');
    expect(formatLogLine('raw', false)).toBe('raw');
    expect(formatLogLine('2024-01-01T00:00:00Z stderr P part', false)).toBe('part');
  });
});
