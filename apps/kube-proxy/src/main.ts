// kube-proxy entry point: parse config, start the proxy server, stop cleanly
// on SIGINT/SIGTERM (listeners closed, exit 0). No logic lives here.
// Telemetry starts in ./telemetry, which must stay the first import.
import { telemetry } from './telemetry';
import { CommanderError } from 'commander';
import pino from 'pino';
import { KubeProxyServer } from './app/kube-proxy-server';
import { parseConfig } from './config';

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const logger = pino({ name: 'kube-proxy', level: config.logLevel });
  const server = new KubeProxyServer(config, { logger });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await server.stop();
    await Promise.race([telemetry.shutdown().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await server.start();
}

main().catch((err) => {
  // commander has already printed help, a version or the usage error.
  if (err instanceof CommanderError) process.exit(err.exitCode);
  console.error('kube-proxy failed:', err);
  process.exit(1);
});
