// kube-controller-manager entry point: parse config, start the manager, stop
// cleanly on SIGINT/SIGTERM (workers stop, the lease is released, events are
// flushed, connections close, exit 0). No logic lives here. Telemetry starts
// in ./telemetry, which must stay the first import.
import { telemetry } from './telemetry';
import { CommanderError } from 'commander';
import pino from 'pino';
import { parseConfig } from './config';
import { KubeControllerManager } from './manager/controller-manager';

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const logger = pino({ name: 'kube-controller-manager', level: config.logLevel });
  const manager = new KubeControllerManager(config, {
    logger,
    onFatal: () => {
      void telemetry.shutdown().finally(() => process.exit(1));
    },
  });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await manager.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await manager.start();
  logger.info({ identity: config.identity, api: config.apiAddress, watchVia: config.watchVia, leaderElect: config.leaderElect, controllers: manager.controllerNames }, 'kube-controller-manager started');
}

main().catch((err) => {
  // commander has already printed help or the usage error.
  if (err instanceof CommanderError) process.exit(err.exitCode);
  console.error('kube-controller-manager failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
