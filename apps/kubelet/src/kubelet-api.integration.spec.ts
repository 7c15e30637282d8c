// The kubelet API (logs, exec, metrics) of a real kubelet process against a
// real apiserver and nats-server, with pods as real processes on their own
// loopback IPs. Pods are created with spec.nodeName set (no scheduler).
// Uses node-8 (node IP 127.10.0.8, pods on 127.244.8.x) so it can run beside
// kubelet.integration.spec.ts (node-7).
import type { Pod } from '@k8ts/api';
import { intOrString } from '@k8ts/api';
import type { ApiClient } from '@k8ts/client';
import { waitFor } from '@k8ts/testing';
import { type KubeletFixture, podCondition, podWhen as podWhenIn, startKubeletFixture } from './testing/kubelet-fixture';

jest.setTimeout(120_000);

let fx: KubeletFixture;
let client: ApiClient;
const NODE = 'node-8';
const NODE_IP = '127.10.0.8';

beforeAll(async () => {
  fx = await startKubeletFixture(8);
  client = fx.client;
});

afterAll(async () => {
  const leftovers = await fx?.stop();
  expect(leftovers).toEqual([]);
});

const cond = podCondition;
const podWhen = (name: string, pred: (p: Pod) => boolean, desc: string, timeoutMs?: number) => podWhenIn(client, name, pred, desc, timeoutMs);

function kubeletUrl(path: string): string {
  return `http://${NODE_IP}:${fx.kubeletPort}${path}`;
}

/** GET /containerLogs/default/{pod}/{container}[?query]; throws unless 200. */
async function logs(pod: string, container: string, query = ''): Promise<string> {
  const res = await fetch(kubeletUrl(`/containerLogs/default/${pod}/${container}${query ? `?${query}` : ''}`));
  const body = await res.text();
  if (res.status !== 200) throw new Error(`containerLogs ${pod}/${container}?${query}: HTTP ${res.status}: ${body}`);
  return body;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

// The sidecar fetches the app on its own pod IP (POD_IP from the kubelet's
// env), prints the `pod` field of the answer, then idles.
const SIDECAR_SCRIPT = `
const url = 'http://' + process.env.POD_IP + ':8080/';
const deadline = Date.now() + 10000;
const attempt = async () => {
  try {
    const res = await fetch(url);
    const body = await res.json();
    console.log('sidecar reached pod ' + body.pod);
    setInterval(() => {}, 1 << 30);
  } catch (err) {
    if (Date.now() > deadline) {
      console.log('sidecar gave up: ' + err.message);
      setInterval(() => {}, 1 << 30);
      return;
    }
    setTimeout(attempt, 200);
  }
};
attempt();
`;

const WEB = 'api-web';
let webIP: string;

describe('kubelet API with real processes', () => {
  beforeAll(async () => {
    await client.pods.create({
      metadata: { name: WEB, namespace: 'default', labels: { app: WEB } },
      spec: {
        nodeName: NODE,
        terminationGracePeriodSeconds: 2,
        containers: [
          {
            name: 'echo',
            image: 'k8ts/echo',
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            readinessProbe: { handler: { httpGet: { path: '/healthz', port: intOrString('http') } }, periodSeconds: 1 },
          },
          { name: 'sidecar', image: 'k8ts/shell', command: ['node', '-e', SIDECAR_SCRIPT] },
        ],
      },
    });
    const pod = await podWhen(WEB, (p) => cond(p, 'Ready') === 'True', 'Ready');
    webIP = pod.status?.podIP ?? '';
    expect(webIP).toMatch(/^127\.244\.8\.\d+$/);
  });

  it('the sidecar reaches the app on the pod IP (seen in its log via the kubelet API)', async () => {
    const log = await waitFor(
      async () => {
        const text = await logs(WEB, 'sidecar');
        return text.includes('sidecar reached pod') ? text : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, desc: 'sidecar log line' },
    );
    expect(lines(log)).toContain(`sidecar reached pod ${WEB}`);
  });

  it('serves container logs: full, tailLines, timestamps', async () => {
    const all0 = await logs(WEB, 'echo');
    expect(lines(all0)[0]).toMatch(/^echo listening on http:\/\//);

    const res = await fetch(`http://${webIP}:8080/logs-probe-1`);
    await res.text();
    const log = await waitFor(
      async () => {
        const text = await logs(WEB, 'echo');
        return /^GET \/logs-probe-1 \d{3} /m.test(text) ? text : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, desc: 'request line in echo log' },
    );
    expect(lines(log).length).toBeGreaterThanOrEqual(2);

    const tail = await logs(WEB, 'echo', 'tailLines=1');
    expect(lines(tail)).toHaveLength(1);
    expect(tail.endsWith('\n')).toBe(true);

    const stamped = lines(await logs(WEB, 'echo', 'timestamps=true'));
    expect(stamped.length).toBeGreaterThanOrEqual(2);
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}) /;
    for (const l of stamped) expect(l).toMatch(rfc3339);
    expect(stamped[0]).toMatch(/ echo listening on http:\/\//);
    expect(stamped.some((l) => / GET \/logs-probe-1 \d{3} /.test(l))).toBe(true);
  });

  it('follow=true streams a line written after the request started', async () => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 10_000);
    let seen = '';
    try {
      // Without tailLines the existing log is sent at once, so fetch resolves
      // (headers received) right after the kubelet has read the file.
      const res = await fetch(kubeletUrl(`/containerLogs/default/${WEB}/echo?follow=true`), { signal: ac.signal });
      expect(res.status).toBe(200);
      // The stream is open: now make the app write a new line (a unique path).
      const poke = await fetch(`http://${webIP}:8080/follow-probe-1`);
      await poke.text();
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      while (!/^GET \/follow-probe-1 \d{3} /m.test(seen)) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += decoder.decode(value, { stream: true });
      }
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
    expect(seen).toMatch(/^GET \/follow-probe-1 \d{3} /m);
    expect(lines(seen)[0]).toMatch(/^echo listening on http:\/\//); // the existing log came first
  });

  it('execs a command in the container env: stdout and exit code', async () => {
    const res = await fetch(kubeletUrl(`/exec/default/${WEB}/echo?command=sh&command=-c&command=echo%20$POD_NAME%3Bexit%203`), { method: 'POST' });
    const body = await res.text();
    expect({ status: res.status, body }).toMatchObject({ status: 200 });
    expect(JSON.parse(body)).toMatchObject({ exitCode: 3, stdout: `${WEB}\n` });
  });

  it('serves logs of the previous run (previous=true) after a restart', async () => {
    // Each run bumps a counter in an emptyDir, prints "run <n>" and exits 1.
    await client.pods.create({
      metadata: { name: 'api-crash', namespace: 'default' },
      spec: {
        nodeName: NODE,
        restartPolicy: 'Always',
        volumes: [{ name: 'data', volumeSource: { emptyDir: {} } }],
        containers: [
          {
            name: 'c',
            image: 'k8ts/shell',
            workingDir: '/app',
            volumeMounts: [{ name: 'data', mountPath: '/app/data' }],
            command: ['sh', '-c', 'n=$(cat data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > data/n; echo "run $n"; exit 1'],
          },
        ],
      },
    });
    await podWhen('api-crash', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 'restartCount >= 1', 30_000);
    const previous = await logs('api-crash', 'c', 'previous=true');
    const m = /^run (\d+)\n$/.exec(previous);
    expect(m).not.toBeNull();
    const n = Number(m![1]);
    expect(n).toBeGreaterThanOrEqual(1);
    // The current attempt is a later run (or has not printed yet).
    const current = await logs('api-crash', 'c');
    if (current !== '') expect(Number(/^run (\d+)\n$/.exec(current)?.[1])).toBeGreaterThan(n);
  });

  it('exposes kubelet metrics: running pods and pod start durations', async () => {
    const metric = (text: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const text = await waitFor(
      async () => {
        const res = await fetch(kubeletUrl('/metrics'));
        if (!res.ok) return undefined;
        const t = await res.text();
        return metric(t, 'kubelet_running_pods') >= 1 && metric(t, 'kubelet_pod_start_duration_seconds_count') >= 1 ? t : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, desc: 'kubelet metrics' },
    );
    expect(metric(text, 'kubelet_running_pods')).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'kubelet_pod_start_duration_seconds_count')).toBeGreaterThanOrEqual(1);
  });
});
