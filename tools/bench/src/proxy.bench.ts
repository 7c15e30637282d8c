// kube-proxy (userspace proxier) throughput and latency against the same
// traffic sent straight to the pod and through HAProxy `mode tcp`, on one
// box, one run each, printed as ratios to "direct".
//   npm run bench -- proxy [--bulk-mb 256] [--rr-seconds 5] [--connections 64]
// Real processes: nats-server, the apiserver, the kube-proxy bundle, a
// backend "pod" process (bulk source / echo) and haproxy (skipped, with a
// note, when not installed). The load generator is this process.
import { createApiClient } from '@k8ts/client';
import { appBundle, freePort, startNatsServer, startProcess, waitFor, type ManagedProcess } from '@k8ts/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { fmt, summarize } from './stats';

const POD_IP = '127.244.29.1';
const NODE_IP = '127.10.0.29';

// The backend: 'B' + 8-byte length → streams that many bytes and ends; 'E' → echoes everything.
const BACKEND = `
const net = require('node:net');
const chunk = Buffer.alloc(64 * 1024, 120);
net.createServer({ noDelay: true }, (s) => {
  s.on('error', () => {});
  s.once('readable', () => {
    const head = s.read(1);
    if (!head) return s.destroy();
    if (head[0] === 66) {
      const len = Number(s.read(8)?.readBigUInt64BE(0) ?? 0n);
      let left = len;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return s.once('drain', pump);
        }
        s.end();
      };
      pump();
    } else {
      s.unshift(head);
      s.pipe(s);
    }
  });
}).listen(Number(process.env.PORT), process.env.POD_IP, () => console.log('backend ready'));
`;

interface Target {
  name: string;
  ip: string;
  port: number;
}

function dial(t: Target): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: t.ip, port: t.port, noDelay: true });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** `conns` connections each download bytesEach; MB/s over the whole run. */
async function bulk(t: Target, conns: number, bytesEach: number, deadlineMs: number): Promise<number> {
  const t0 = performance.now();
  let total = 0;
  await Promise.all(
    Array.from({ length: conns }, async () => {
      const s = await dial(t);
      const head = Buffer.alloc(9);
      head[0] = 66;
      head.writeBigUInt64BE(BigInt(bytesEach), 1);
      s.write(head);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          s.destroy();
          resolve();
        }, deadlineMs);
        s.on('data', (c: Buffer) => (total += c.length));
        s.on('end', () => {
          clearTimeout(timer);
          s.end();
          resolve();
        });
        s.on('error', reject);
      });
    }),
  );
  return total / 1e6 / ((performance.now() - t0) / 1000);
}

/** `conns` connections each send 1 KiB and wait for the 1 KiB echo, back to back, for `seconds`. */
async function requestResponse(t: Target, conns: number, seconds: number, maxPerConn: number): Promise<{ rps: number; lat: ReturnType<typeof summarize> }> {
  const msg = Buffer.alloc(1024, 97);
  const lat: number[] = [];
  const stopAt = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: conns }, async () => {
      const s = await dial(t);
      for (let i = 0; i < maxPerConn && performance.now() < stopAt; i++) {
        const start = performance.now();
        s.write(msg);
        await new Promise<void>((resolve, reject) => {
          let got = 0;
          const timer = setTimeout(() => reject(new Error(`${t.name}: no echo within 10s`)), 10_000);
          const onData = (c: Buffer) => {
            got += c.length;
            if (got >= msg.length) {
              clearTimeout(timer);
              s.off('data', onData);
              s.off('error', reject);
              resolve();
            }
          };
          s.on('data', onData);
          s.once('error', reject);
        });
        lat.push(performance.now() - start);
      }
      s.end();
    }),
  );
  return { rps: lat.length / ((performance.now() - t0) / 1000), lat: summarize(lat) };
}

function haproxyBinary(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function main(): Promise<void> {
  const opts = new Command('proxy')
    .addOption(new Option('--bulk-mb <n>', 'MB downloaded per target in the bulk run').default(256).argParser(Number))
    .addOption(new Option('--rr-seconds <s>', 'length of each 1 KiB request/response run').default(5).argParser(Number))
    .addOption(new Option('--connections <n>', 'concurrent connections').default(64).argParser(Number))
    .addOption(new Option('--rounds <n>', 'rounds over all targets (interleaved); the best round of each counts').default(2).argParser(Number))
    .parse()
    .opts<{ bulkMb: number; rrSeconds: number; connections: number; rounds: number }>();
  const conns = opts.connections;
  const procs: ManagedProcess[] = [];
  const nats = await startNatsServer();
  try {
    const grpcPort = await freePort();
    const httpPort = await freePort();
    const env = { ...process.env, OTEL_SDK_DISABLED: 'true' };
    procs.push(
      await startProcess(process.execPath, [await appBundle('apiserver'), '--nats-url', nats.url, '--grpc-port', String(grpcPort), '--secure-port', String(httpPort), '--service-cluster-ip-range', '127.100.0.0/16', '--log-level', 'warn'], {
        name: 'apiserver',
        env,
        readyCheck: async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).ok,
        readyTimeoutMs: 30_000,
      }),
    );
    const healthPort = await freePort();
    procs.push(
      await startProcess(
        process.execPath,
        [await appBundle('kube-proxy'), '--api-address', `127.0.0.1:${grpcPort}`, '--nats-url', nats.url, '--node-ip', NODE_IP, '--node-names', 'node-29', '--metrics-bind-address', `127.0.0.1:${await freePort()}`, '--healthz-bind-address', `127.0.0.1:${healthPort}`, '--log-level', 'warn'],
        { name: 'kube-proxy', env, readyCheck: async () => (await fetch(`http://127.0.0.1:${healthPort}/healthz`)).ok, readyTimeoutMs: 30_000 },
      ),
    );
    const podPort = await freePort(POD_IP);
    procs.push(await startProcess(process.execPath, ['-e', BACKEND], { name: 'pod', env: { ...env, POD_IP, PORT: String(podPort) }, readyLine: 'backend ready' }));

    const client = createApiClient({ address: `127.0.0.1:${grpcPort}` });
    const svc = await client.services.create({ metadata: { name: 'bench', namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] } });
    await client.endpointSlices.create({
      metadata: { name: 'bench-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'bench', 'endpointslice.kubernetes.io/managed-by': 'bench' } },
      addressType: 'IPv4',
      ports: [{ name: '', port: podPort, protocol: 'TCP' }],
      endpoints: [{ addresses: [POD_IP], nodeName: 'node-29', conditions: { ready: true } }],
    });
    client.close();
    const targets: Target[] = [
      { name: 'direct', ip: POD_IP, port: podPort },
      { name: 'kube-proxy', ip: svc.spec?.clusterIP as string, port: 80 },
    ];
    await waitFor(() => dial(targets[1] as Target).then((s) => (s.destroy(), true)), { timeoutMs: 20_000, desc: 'ClusterIP programmed' });

    const haproxy = haproxyBinary();
    if (haproxy) {
      const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-haproxy-'));
      const port = await freePort();
      const cfg = join(dir, 'haproxy.cfg');
      writeFileSync(
        cfg,
        [
          'global', '  maxconn 4096', '  nbthread 1',
          'defaults', '  mode tcp', '  timeout connect 5s', '  timeout client 60s', '  timeout server 60s',
          'listen bench', `  bind 127.0.0.1:${port}`, `  server pod ${POD_IP}:${podPort}`, '',
        ].join('\n'),
      );
      procs.push(await startProcess(haproxy, ['-db', '-f', cfg], { name: 'haproxy', readyCheck: () => dial({ name: 'h', ip: '127.0.0.1', port }).then((s) => (s.destroy(), true)) }));
      targets.push({ name: 'haproxy', ip: '127.0.0.1', port });
    } else {
      console.log('note: haproxy not installed (apt-get install -y haproxy); its row is skipped');
    }

    // Warm up every path a little.
    for (const t of targets) await requestResponse(t, 8, 0.5, 200);

    const bytesEach = Math.max(1, Math.floor((opts.bulkMb * 1e6) / conns));
    // Interleaved rounds, best of each: the box is shared, so one slow moment should not decide a ratio.
    const rows = targets.map((t) => ({ name: t.name, mbps: 0, rps: 0, lat: summarize([]) }));
    for (let round = 0; round < opts.rounds; round++) {
      for (const [i, t] of targets.entries()) {
        const row = rows[i] as (typeof rows)[number];
        row.mbps = Math.max(row.mbps, await bulk(t, conns, bytesEach, 60_000));
        const rr = await requestResponse(t, conns, opts.rrSeconds, 100_000);
        if (rr.rps > row.rps) Object.assign(row, { rps: rr.rps, lat: rr.lat });
      }
    }
    const direct = rows[0] as (typeof rows)[number];
    console.log(`proxy benchmark: ${conns} connections, bulk ${opts.bulkMb} MB download, ${opts.rrSeconds}s of 1 KiB request/response per target, best of ${opts.rounds} interleaved rounds (2 cores shared; load generator in this process; haproxy nbthread 1)`);
    console.log('  target        bulk MB/s  (vs direct)   1KiB req/s  (vs direct)   p50        p99');
    for (const r of rows) {
      console.log(
        `  ${r.name.padEnd(12)}  ${r.mbps.toFixed(0).padStart(9)}  (${(r.mbps / direct.mbps).toFixed(2)}x)       ${r.rps.toFixed(0).padStart(9)}  (${(r.rps / direct.rps).toFixed(2)}x)       ${fmt(r.lat.p50).padEnd(9)}  ${fmt(r.lat.p99)}`,
      );
    }
    const kp = rows.find((r) => r.name === 'kube-proxy');
    const hp = rows.find((r) => r.name === 'haproxy');
    if (kp && hp) console.log(`  kube-proxy vs haproxy: bulk ${(kp.mbps / hp.mbps).toFixed(2)}x, req/s ${(kp.rps / hp.rps).toFixed(2)}x`);
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await nats.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
