// Cluster DNS throughput and latency over UDP: a real nats-server, apiserver
// and dns process (unless --server names a running one), S ClusterIP
// Services and one headless Service with 10 endpoints, then a bounded
// number of queries at N in flight (one UDP socket per in-flight slot),
// mixing A, SRV, headless A, PTR and NXDOMAIN.
//   npm run bench -- dns [--count 20000] [--concurrency 32] [--services 200] [--deadline-seconds 60] [--server 127.53.0.1:5353]
import { createApiClient } from '@k8ts/client';
import { appBundle, freePort, newService, startNatsServer, startProcess, waitFor, type ManagedProcess, type NatsServerHandle } from '@k8ts/testing';
import { Command, Option } from 'commander';
import * as packet from 'dns-packet';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { fmt, runBounded, summarize } from './stats';

const BIND = '127.53.0.51';

interface Opts {
  count: number;
  concurrency: number;
  services: number;
  deadlineSeconds: number;
  server?: string;
}

interface Started {
  server: string;
  /** Query names of the mix (Services exist only when this bench created them). */
  names: { name: string; type: packet.RecordType }[];
  stop(): Promise<void>;
}

async function startStack(opts: Opts): Promise<Started> {
  const nats: NatsServerHandle = await startNatsServer();
  const procs: ManagedProcess[] = [];
  const stop = async () => {
    for (const p of procs.reverse()) await p.stop();
    await nats.stop();
  };
  try {
    const grpcPort = await freePort();
    const httpPort = await freePort();
    procs.push(
      await startProcess(
        process.execPath,
        [await appBundle('apiserver'), '--nats-url', nats.url, '--grpc-port', String(grpcPort), '--secure-port', String(httpPort), '--service-cluster-ip-range', '127.101.0.0/16', '--log-level', 'warn'],
        { name: 'apiserver', env: { OTEL_SDK_DISABLED: 'true' }, readyCheck: async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).ok, readyTimeoutMs: 30_000 },
      ),
    );
    const client = createApiClient({ address: `127.0.0.1:${grpcPort}` });
    try {
      await runBounded(opts.services, 8, (i) => client.services.create(newService({ name: `svc-${i}`, ports: [{ name: 'http', port: 80, targetPort: 8080 }] })), 120_000);
      await client.services.create(newService({ name: 'db', clusterIP: 'None', selector: {}, ports: [{ name: 'pg', port: 5432, targetPort: 5432 }] }));
      await client.endpointSlices.create({
        metadata: { name: 'db-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'bench' } },
        addressType: 'IPv4',
        endpoints: Array.from({ length: 10 }, (_, i) => ({ addresses: [`127.244.50.${i + 1}`], conditions: { ready: true } })),
        ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      });
    } finally {
      client.close();
    }
    const dnsPort = await freePort(BIND);
    const healthPort = await freePort();
    procs.push(
      await startProcess(
        process.execPath,
        [
          await appBundle('dns'),
          '--api-address',
          `127.0.0.1:${grpcPort}`,
          '--nats-url',
          nats.url,
          '--bind-address',
          BIND,
          '--port',
          String(dnsPort),
          '--health-port',
          `127.0.0.1:${healthPort}`,
          '--cluster-dns-ip',
          '127.101.0.10',
          '--log-level',
          'warn',
        ],
        { name: 'dns', env: { OTEL_SDK_DISABLED: 'true' }, readyCheck: async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok, readyTimeoutMs: 30_000 },
      ),
    );
    const server = `${BIND}:${dnsPort}`;
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([server]);
    await waitFor(async () => (await resolver.resolve4(`svc-${opts.services - 1}.default.svc.cluster.local`)).length > 0, { timeoutMs: 30_000, desc: 'all services resolvable' });
    const names: Started['names'] = [];
    for (let i = 0; i < opts.services; i++) names.push({ name: `svc-${i}.default.svc.cluster.local`, type: 'A' });
    names.push({ name: '_http._tcp.svc-0.default.svc.cluster.local', type: 'SRV' });
    names.push({ name: 'db.default.svc.cluster.local', type: 'A' });
    names.push({ name: '_pg._tcp.db.default.svc.cluster.local', type: 'SRV' });
    names.push({ name: '10.0.101.127.in-addr.arpa', type: 'PTR' });
    names.push({ name: 'nope.default.svc.cluster.local', type: 'A' });
    return { server, names, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One UDP socket that matches responses to queries by id. */
class UdpClient {
  private readonly socket = createSocket('udp4');
  private readonly pending = new Map<number, (msg: Buffer) => void>();
  private nextId = Math.floor(Math.random() * 65536);

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.socket.on('message', (msg: Buffer) => {
      if (msg.length < 2) return;
      const done = this.pending.get(msg.readUInt16BE(0));
      done?.(msg);
    });
  }

  query(name: string, type: packet.RecordType, timeoutMs: number): Promise<string> {
    const id = (this.nextId = (this.nextId + 1) & 0xffff);
    const msg = packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve('TIMEOUT');
      }, timeoutMs);
      this.pending.set(id, (res) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve((packet.decode(res) as packet.DecodedPacket & { rcode: string }).rcode);
      });
      this.socket.send(msg, this.port, this.host);
    });
  }

  close(): void {
    this.socket.close();
  }
}

async function main(): Promise<void> {
  const opts = new Command('dns')
    .addOption(new Option('--count <n>', 'queries in the run').default(20_000).argParser(Number))
    .addOption(new Option('--concurrency <n>', 'queries in flight').default(32).argParser(Number))
    .addOption(new Option('--services <n>', 'ClusterIP Services to create').default(200).argParser(Number))
    .addOption(new Option('--deadline-seconds <s>', 'stop the run after this long').default(60).argParser(Number))
    .addOption(new Option('--server <host:port>', 'query a running dns server instead of starting one (queries kubernetes.default and misses)'))
    .parse()
    .opts<Opts>();

  const started: Started = opts.server
    ? {
        server: opts.server,
        names: [
          { name: 'kubernetes.default.svc.cluster.local', type: 'A' },
          { name: 'kube-dns.kube-system.svc.cluster.local', type: 'A' },
          { name: 'nope.default.svc.cluster.local', type: 'A' },
        ],
        stop: async () => undefined,
      }
    : await startStack(opts);
  const i = started.server.lastIndexOf(':');
  const host = started.server.slice(0, i);
  const port = Number(started.server.slice(i + 1));
  const clients = Array.from({ length: Math.max(1, opts.concurrency) }, () => new UdpClient(host, port));
  const rcodes = new Map<string, number>();
  try {
    let slot = 0;
    await runBounded(500, opts.concurrency, (n) => clients[slot++ % clients.length].query(started.names[n % started.names.length].name, started.names[n % started.names.length].type, 2000), 30_000);
    const t0 = Date.now();
    slot = 0;
    const lat = await runBounded(
      opts.count,
      opts.concurrency,
      async (n) => {
        const q = started.names[n % started.names.length];
        const rcode = await clients[slot++ % clients.length].query(q.name, q.type, 2000);
        rcodes.set(rcode, (rcodes.get(rcode) ?? 0) + 1);
      },
      opts.deadlineSeconds * 1000,
    );
    const wall = (Date.now() - t0) / 1000;
    const s = summarize(lat);
    console.log(`dns benchmark (UDP, ${started.names.length} names, server ${started.server}, 2 cores shared)`);
    console.log(`  n=${s.count} c=${opts.concurrency}  ${(s.count / wall).toFixed(0)} queries/s  p50=${fmt(s.p50)} p90=${fmt(s.p90)} p99=${fmt(s.p99)} max=${fmt(s.max)}`);
    console.log(`  rcodes: ${[...rcodes].map(([k, v]) => `${k}=${v}`).join(' ')}`);
  } finally {
    for (const c of clients) c.close();
    await started.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
