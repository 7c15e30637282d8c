// scheduler entry point: parse config, start the scheduler, stop cleanly on
// SIGINT/SIGTERM. No logic lives here. Telemetry starts in ./telemetry,
// which must stay the first import.
import { telemetry } from './telemetry';
import pino from 'pino';
import { parseConfig } from './config';
import { startScheduler } from './server';

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const logger = pino({ name: 'scheduler', level: config.logLevel });
  const running = await startScheduler(config, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await running.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('scheduler failed:', err);
  process.exit(1);
});
