// The stack launcher behind `npm start`: nats-server (JetStream, data in
// .k8ts/), then every k8ts component that exists, each after the previous
// one is ready, with prefixed logs. Ctrl-C (SIGINT/SIGTERM) stops them all.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { Child } from './child';
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
}

/** Node agents: node N has IP 127.10.0.N and pods in 127.244.N.0/24. */
const KUBELETS = [1, 2].map((n) => ({ name: `node-${n}`, ip: `127.10.0.${n}`, podCIDR: `127.244.${n}.0/24` }));

/** Components that talk to the apiserver, started in this order after it. */
const CONTROLLERS: { name: string; port: number }[] = [
  { name: 'scheduler', port: 10259 },
  { name: 'endpoints-controller', port: 10258 },
];
const NOT_YET = ['controller-manager', 'kube-proxy', 'dns', 'kubectl REST API'];

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
    const b = spawnSync('npx', ['nx', 'run-many', '-t', 'build', `--projects=${['apiserver', 'echo', 'kubelet', ...CONTROLLERS.map((c) => c.name)].join(',')}`, '--outputStyle=static'], {
      stdio: 'inherit',
    });
    if (b.status !== 0) process.exit(b.status ?? 1);
  }

  const children: Child[] = [];
  let shuttingDown = false;
  let stopPods: (() => Promise<void>) | undefined;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('stopping the stack');
    // Pods outlive kubelets by design (a restarted kubelet adopts them), so
    // delete them first and let the kubelets tear their processes down.
    if (stopPods) await stopPods().catch((err) => say(`pod cleanup: ${(err as Error).message}`));
    for (const c of [...children].reverse()) await c.stop();
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

    const otel = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ? {} : { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
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

    say('stack is up:');
    say(`  nats-server   ${natsUrl} (JetStream data in ${opts.dataDir}/nats; events on k8ts.events.>)`);
    say(`  apiserver     gRPC 127.0.0.1:${opts.grpcPort}, health/metrics http://127.0.0.1:${opts.apiPort}/readyz /metrics`);
    for (const c of CONTROLLERS) say(`  ${c.name.padEnd(13)} health/metrics http://127.0.0.1:${c.port}/readyz /metrics`);
    for (const k of KUBELETS) say(`  kubelet       ${k.name} on ${k.ip} (pods in ${k.podCIDR}), API http://${k.ip}:10250/healthz`);
    say(`  not yet running: ${NOT_YET.join(', ')} (see README "Status")`);
    say('press Ctrl-C to stop');
    if (opts.demo) await runDemo({ grpcAddress: `127.0.0.1:${opts.grpcPort}`, natsUrl, log: say });
  } catch (err) {
    say(`start failed: ${(err as Error).message}`);
    await shutdown(1);
  }
}

void main();
