// Cost of tracing on the apiserver's create path, in one run: the same
// create load against the apiserver with OTEL_SDK_DISABLED=true, then with the
// SDK on and every span exported (OTLP/HTTP JSON to a local collector), then
// off again (to show drift). Each mode gets a fresh nats-server and apiserver.
// The client itself is not traced, so every create is a root trace sampled
// by the default parent-based always-on sampler.
//   npm run bench -- tracing-overhead [--count 1500] [--concurrency 32]
import { createApiClient } from '@k8ts/client';
import { appBundle, freePort, newPod, startNatsServer, startProcess } from '@k8ts/testing';
import { startCollector } from '@k8ts/trace';
import { Command, Option } from 'commander';
import { fmt, runBounded, summarize } from './stats';

interface Result {
  mode: string;
  rate: number;
  p50: number;
  p99: number;
  spans: number;
}

async function runMode(mode: 'off' | 'on', count: number, concurrency: number, deadlineMs: number): Promise<Result> {
  let spans = 0;
  const collector = await startCollector({ host: '127.0.0.1', port: 0, onSpans: (s) => (spans += s.length) });
  const nats = await startNatsServer();
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const env: NodeJS.ProcessEnv =
    mode === 'off'
      ? { OTEL_SDK_DISABLED: 'true' }
      : {
          OTEL_SDK_DISABLED: 'false',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${collector.port}/v1/traces`,
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
        };
  const apiserver = await startProcess(
    process.execPath,
    [await appBundle('apiserver'), '--nats-url', nats.url, '--grpc-port', String(grpcPort), '--secure-port', String(httpPort), '--log-level', 'warn'],
    { name: 'apiserver', env, readyCheck: async () => (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).ok, readyTimeoutMs: 30_000 },
  );
  const client = createApiClient({ address: `127.0.0.1:${grpcPort}` });
  try {
    const pod = (name: string) => newPod({ name, cpu: '100m', memory: '64Mi' });
    await runBounded(100, 8, (i) => client.pods.create(pod(`warmup-${i}`)), 30_000);
    const t0 = Date.now();
    const lat = await runBounded(count, concurrency, (i) => client.pods.create(pod(`bench-${i}`)), deadlineMs);
    const wall = (Date.now() - t0) / 1000;
    const s = summarize(lat);
    return { mode, rate: s.count / wall, p50: s.p50, p99: s.p99, spans };
  } finally {
    client.close();
    await apiserver.stop();
    await nats.stop();
    await collector.close();
  }
}

async function main(): Promise<void> {
  const opts = new Command('tracing-overhead')
    .addOption(new Option('--count <n>', 'pods to create per mode').default(1500).argParser(Number))
    .addOption(new Option('--concurrency <n>', 'requests in flight').default(32).argParser(Number))
    .addOption(new Option('--deadline-seconds <s>', 'stop a mode after this long').default(90).argParser(Number))
    .parse()
    .opts<{ count: number; concurrency: number; deadlineSeconds: number }>();
  const results: Result[] = [];
  for (const mode of ['off', 'on', 'off'] as const) results.push(await runMode(mode, opts.count, opts.concurrency, opts.deadlineSeconds * 1000));

  console.log(`apiserver create with tracing off vs on (n=${opts.count} per run, c=${opts.concurrency}, 2 cores shared)`);
  for (const r of results) {
    console.log(`  tracing ${r.mode.padEnd(3)}  ${r.rate.toFixed(0).padStart(5)} creates/s  p50=${fmt(r.p50)} p99=${fmt(r.p99)}  spans exported: ${r.spans}`);
  }
  const off = (results[0].rate + results[2].rate) / 2;
  console.log(`  on/off throughput ratio: ${(results[1].rate / off).toFixed(2)} (off = mean of the two off runs)`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
