// endpoints-controller entry point: parse config, start the controller
// manager, stop cleanly on SIGINT/SIGTERM (workers stop, the lease is
// released, connections close, exit 0). No logic lives here. Telemetry
// starts in ./telemetry, which must stay the first import.
import { telemetry } from './telemetry';
import pino from 'pino';
import { parseConfig } from './config';
import { EndpointsControllerManager } from './manager/controller-manager';

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const logger = pino({ name: 'endpoints-controller', level: config.logLevel });
  const manager = new EndpointsControllerManager(config, {
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
  logger.info({ identity: config.identity, api: config.apiAddress, watchVia: config.watchVia, leaderElect: config.leaderElect }, 'endpoints-controller started');
}

main().catch((err) => {
  console.error('endpoints-controller failed:', err);
  process.exit(1);
});
