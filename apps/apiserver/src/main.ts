// apiserver entry point: parse config, start the server, stop cleanly on
// SIGINT/SIGTERM. No logic lives here. Telemetry starts in ./telemetry,
// which must stay the first import.
import { telemetry } from './telemetry';
import pino from 'pino';
import { startApiServer } from './api-server';
import { parseConfig } from './config';

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const logger = pino({ name: 'apiserver', level: config.logLevel });
  const server = await startApiServer(config, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await server.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('apiserver failed:', err);
  process.exit(1);
});
