// apiserver create throughput and latency: a real nats-server (JetStream,
// file storage) and the real apiserver process, driven over gRPC.
//   npm run bench -- apiserver-create [--count 2000] [--concurrency 32] [--serial 200]
import { createApiClient } from '@k8ts/client';
import { appBundle, freePort, newPod, startNatsServer, startProcess } from '@k8ts/testing';
import { Command, Option } from 'commander';
import { fmt, runBounded, summarize } from './stats';

async function main(): Promise<void> {
  const opts = new Command('apiserver-create')
    .addOption(new Option('--count <n>', 'pods to create in the concurrent run').default(2000).argParser(Number))
    .addOption(new Option('--concurrency <n>', 'requests in flight').default(32).argParser(Number))
    .addOption(new Option('--serial <n>', 'pods to create one at a time first').default(200).argParser(Number))
    .addOption(new Option('--deadline-seconds <s>', 'stop a run after this long').default(120).argParser(Number))
    .parse()
    .opts<{ count: number; concurrency: number; serial: number; deadlineSeconds: number }>();

  const nats = await startNatsServer();
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const apiserver = await startProcess(
    process.execPath,
    [await appBundle('apiserver'), '--nats-url', nats.url, '--grpc-port', String(grpcPort), '--secure-port', String(httpPort), '--log-level', 'warn'],
    { name: 'apiserver', env: { OTEL_SDK_DISABLED: 'true' }, readyCheck: async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).ok, readyTimeoutMs: 30_000 },
  );
  const client = createApiClient({ address: `127.0.0.1:${grpcPort}` });
  try {
    const pod = (name: string) => newPod({ name, cpu: '100m', memory: '64Mi', ports: [{ name: 'http', containerPort: 8080 }] });
    await runBounded(50, 8, (i) => client.pods.create(pod(`warmup-${i}`)), 30_000);

    const serial = summarize(await runBounded(opts.serial, 1, (i) => client.pods.create(pod(`serial-${i}`)), opts.deadlineSeconds * 1000));
    const t0 = Date.now();
    const lat = await runBounded(opts.count, opts.concurrency, (i) => client.pods.create(pod(`bench-${i}`)), opts.deadlineSeconds * 1000);
    const wall = (Date.now() - t0) / 1000;
    const conc = summarize(lat);

    console.log('apiserver create benchmark (pods, gRPC -> apiserver -> JetStream file storage, 2 cores shared)');
    console.log(`  serial      n=${serial.count}  p50=${fmt(serial.p50)} p90=${fmt(serial.p90)} p99=${fmt(serial.p99)} max=${fmt(serial.max)}  (${(1000 / serial.mean).toFixed(0)} creates/s)`);
    console.log(`  concurrent  n=${conc.count} c=${opts.concurrency}  ${(conc.count / wall).toFixed(0)} creates/s  p50=${fmt(conc.p50)} p90=${fmt(conc.p90)} p99=${fmt(conc.p99)} max=${fmt(conc.max)}`);
    const listT0 = process.hrtime.bigint();
    const listed = await client.pods.list({ namespace: 'default' });
    console.log(`  list        ${listed.items.length} pods in ${fmt(Number(process.hrtime.bigint() - listT0) / 1e6)}`);
  } finally {
    client.close();
    await apiserver.stop();
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
