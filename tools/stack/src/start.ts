// The stack launcher behind `npm start`: a local trace collector, nats-server
// (JetStream, data in .k8ts/), then every k8ts component, each after the
// previous one is ready, with prefixed logs; it writes .k8ts/kubeconfig.
// Ctrl-C (SIGINT/SIGTERM) stops them all, pods included.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_SPAN_FILE, SpanFile, startCollector, type Collector } from '@k8ts/trace';
import { Child } from './child';
import { kubeconfig } from './kubeconfig';
import { runDemo } from './demo';
import { deleteAllPods, killStrays } from './pods';
import { httpOk, tcpOpen, waitUntil } from './wait';

interface StartOptions {
  demo: boolean;
  dataDir: string;
  natsPort: number;
  apiPort: number;
  grpcPort: number;
  build: boolean;
  traces: boolean;
}

/** Node agents: node N has IP 127.10.0.N and pods in 127.244.N.0/24. */
const KUBELETS = [1, 2].map((n) => ({ name: `node-${n}`, ip: `127.10.0.${n}`, podCIDR: `127.244.${n}.0/24` }));

/** Control-plane components that talk to the apiserver, started in this order after it. */
const CONTROLLERS: { name: string; port: number }[] = [
  { name: 'scheduler', port: 10259 },
  { name: 'controller-manager', port: 10257 },
  { name: 'endpoints-controller', port: 10258 },
];
const APPS = ['apiserver', 'echo', 'kubelet', 'kube-proxy', 'dns', ...CONTROLLERS.map((c) => c.name)];
/** Cluster DNS: kube-dns ClusterIP (10th address of the service range) → the dns process. */
const DNS = { clusterIP: '127.96.0.10', bind: '127.53.0.1', port: 5353, healthPort: 9153 };
const PROXY = { metricsPort: 10249, healthzPort: 10256 };
const COLLECTOR_PORT = 4318;

function say(line: string): void {
  process.stdout.write(`${'k8ts'.padEnd(20)}| ${line}\n`);
}

async function main(): Promise<void> {
  const opts = new Command('k8ts-start')
    .description('run the k8ts stack locally')
    .addOption(new Option('--demo', 'create demo objects once the stack is up').default(false))
    .addOption(new Option('--data-dir <dir>', 'state directory').default('.k8ts'))
    .addOption(new Option('--nats-port <port>').default(4222).argParser(Number))
    .addOption(new Option('--api-port <port>', 'apiserver REST/health port').default(6443).argParser(Number))
    .addOption(new Option('--grpc-port <port>', 'apiserver gRPC port').default(6444).argParser(Number))
    .addOption(new Option('--no-build', 'skip the build step'))
    .addOption(new Option('--no-traces', 'do not collect traces locally (OTEL_* env vars still apply)'))
    .parse()
    .opts<StartOptions>();
  const root = process.cwd();
  const dataDir = join(root, opts.dataDir);
  mkdirSync(join(dataDir, 'nats'), { recursive: true });

  const ensure = spawnSync('bash', [join(root, 'tools', 'scripts', 'ensure-nats.sh')], { stdio: 'inherit' });
  if (ensure.status !== 0) process.exit(1);
  const which = spawnSync('bash', ['-c', 'command -v nats-server || ls /usr/sbin/nats-server'], { encoding: 'utf8' });
  const natsBin = process.env['K8TS_NATS_SERVER'] ?? which.stdout.trim().split('\n')[0] ?? 'nats-server';

  if (opts.build) {
    say('building apps (nx run-many -t build)');
    const b = spawnSync('npx', ['nx', 'run-many', '-t', 'build', `--projects=${APPS.join(',')}`, '--outputStyle=static'], {
      stdio: 'inherit',
    });
    if (b.status !== 0) process.exit(b.status ?? 1);
  }

  const children: Child[] = [];
  let collector: Collector | undefined;
  let shuttingDown = false;
  let stopPods: (() => Promise<void>) | undefined;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('stopping the stack');
    // Pods outlive kubelets by design (a restarted kubelet adopts them), so
    // delete them first and let the kubelets tear their processes down.
    // The controller-manager goes first, so no ReplicaSet replaces the pods being deleted.
    await children.find((c) => c.name === 'controller-manager')?.stop();
    if (stopPods) await stopPods().catch((err) => say(`pod cleanup: ${(err as Error).message}`));
    for (const c of [...children].reverse()) await c.stop();
    await collector?.close();
    const strays = killStrays(join(dataDir, 'kubelet'));
    if (strays > 0) say(`killed ${strays} leftover pod process(es)`);
    say('stopped; no k8ts processes left running');
    process.exit(code);
  };
  const onExit = (name: string, code: number | null) => {
    if (shuttingDown) return;
    say(`${name} exited unexpectedly (code ${code}); stopping everything`);
    void shutdown(1);
  };
  // `on`, not `once`: a terminal's Ctrl-C reaches us twice (directly and via npm).
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    const natsUrl = `nats://127.0.0.1:${opts.natsPort}`;
    children.push(new Child('nats-server', natsBin, ['-js', '-sd', join(dataDir, 'nats'), '-a', '127.0.0.1', '-p', String(opts.natsPort)], {}, onExit));
    await waitUntil('nats-server', () => tcpOpen('127.0.0.1', opts.natsPort));

    // Traces: to the user's OTLP endpoint (e.g. Jaeger) when OTEL_EXPORTER_OTLP_ENDPOINT
    // is set; otherwise to a collector in this process, read by `npm run trace`.
    let otel: NodeJS.ProcessEnv = {};
    if (!process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] && !process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
      otel = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
      if (opts.traces) {
        const spans = new SpanFile(join(root, DEFAULT_SPAN_FILE));
        collector = await startCollector({ host: '127.0.0.1', port: COLLECTOR_PORT, onSpans: (s) => spans.append(s) });
        otel = {
          ...otel,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${collector.port}/v1/traces`,
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '500',
        };
      }
    }
    children.push(
      new Child(
        'apiserver',
        process.execPath,
        [join(root, 'dist', 'apps', 'apiserver', 'main.js'), '--nats-url', natsUrl, '--secure-port', String(opts.apiPort), '--grpc-port', String(opts.grpcPort)],
        otel,
        onExit,
      ),
    );
    await waitUntil('apiserver /readyz', () => httpOk(`http://127.0.0.1:${opts.apiPort}/readyz`));

    const apiAddress = `127.0.0.1:${opts.grpcPort}`;
    for (const c of CONTROLLERS) {
      children.push(
        new Child(c.name, process.execPath, [join(root, 'dist', 'apps', c.name, 'main.js'), '--api-address', apiAddress, '--nats-url', natsUrl, '--port', String(c.port)], otel, onExit),
      );
      await waitUntil(`${c.name} /readyz`, () => httpOk(`http://127.0.0.1:${c.port}/readyz`));
    }
    for (const k of KUBELETS) {
      children.push(
        new Child(
          `kubelet/${k.name}`,
          process.execPath,
          [join(root, 'dist', 'apps', 'kubelet', 'main.js'), '--node-name', k.name, '--api-address', apiAddress, '--nats-url', natsUrl, '--root-dir', join(dataDir, 'kubelet', k.name), '--echo-entry', join(root, 'dist', 'apps', 'echo', 'main.js'), '--cpu', '2', '--memory', '4Gi'],
          { ...otel, K8TS_NODE_NAME: k.name },
          onExit,
        ),
      );
      await waitUntil(`kubelet ${k.name}`, () => httpOk(`http://${k.ip}:10248/healthz`));
    }
    stopPods = () => deleteAllPods(apiAddress);

    // Node-level services of the host: cluster DNS, then kube-proxy (one per host, serving every node IP).
    children.push(
      new Child(
        'dns',
        process.execPath,
        [join(root, 'dist', 'apps', 'dns', 'main.js'), '--api-address', apiAddress, '--nats-url', natsUrl, '--bind-address', DNS.bind, '--port', String(DNS.port), '--health-port', `127.0.0.1:${DNS.healthPort}`, '--cluster-dns-ip', DNS.clusterIP],
        otel,
        onExit,
      ),
    );
    await waitUntil('dns /readyz', () => httpOk(`http://127.0.0.1:${DNS.healthPort}/readyz`));
    children.push(
      new Child(
        'kube-proxy',
        process.execPath,
        [
          join(root, 'dist', 'apps', 'kube-proxy', 'main.js'),
          '--api-address', apiAddress,
          '--nats-url', natsUrl,
          '--node-ip', KUBELETS.map((k) => k.ip).join(','),
          '--node-names', KUBELETS.map((k) => k.name).join(','),
          '--metrics-bind-address', `127.0.0.1:${PROXY.metricsPort}`,
          '--healthz-bind-address', `127.0.0.1:${PROXY.healthzPort}`,
        ],
        otel,
        onExit,
      ),
    );
    await waitUntil('kube-proxy /healthz', () => httpOk(`http://127.0.0.1:${PROXY.healthzPort}/healthz`));

    const kubeconfigPath = join(dataDir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig(`http://127.0.0.1:${opts.apiPort}`));

    say('stack is up:');
    say(`  nats-server   ${natsUrl} (JetStream data in ${opts.dataDir}/nats; events on k8ts.events.>)`);
    say(`  apiserver     Kubernetes API http://127.0.0.1:${opts.apiPort} (kubectl), gRPC 127.0.0.1:${opts.grpcPort}, /readyz /metrics`);
    for (const c of CONTROLLERS) say(`  ${c.name.padEnd(13)} health/metrics http://127.0.0.1:${c.port}/readyz /metrics`);
    for (const k of KUBELETS) say(`  kubelet       ${k.name} on ${k.ip} (pods in ${k.podCIDR}), API http://${k.ip}:10250/healthz`);
    say(`  dns           kube-system/kube-dns ${DNS.clusterIP}:53 → ${DNS.bind}:${DNS.port}, metrics http://127.0.0.1:${DNS.healthPort}/metrics`);
    say(`  kube-proxy    Service IPs 127.96.0.0/12 and NodePorts on ${KUBELETS.map((k) => k.ip).join(', ')}; metrics :${PROXY.metricsPort}, healthz :${PROXY.healthzPort}`);
    say(`  kubectl       export KUBECONFIG=${kubeconfigPath}   (kubectl get nodes,pods,svc -A)`);
    if (collector) say(`  traces        collected in ${DEFAULT_SPAN_FILE}: npm run trace -- list | pod <ns>/<name> | last-request`);
    else if (process.env['OTEL_EXPORTER_OTLP_ENDPOINT']) say(`  traces        exported to ${process.env['OTEL_EXPORTER_OTLP_ENDPOINT']}`);
    say('press Ctrl-C to stop');
    if (opts.demo) await runDemo({ grpcAddress: `127.0.0.1:${opts.grpcPort}`, clusterDNS: DNS.clusterIP, log: say });
  } catch (err) {
    say(`start failed: ${(err as Error).message}`);
    await shutdown(1);
  }
}

void main();
