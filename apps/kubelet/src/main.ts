// kubelet entry point: telemetry first, then config, then wiring.
import { telemetry } from './telemetry';
import pino from 'pino';
import { parseConfig } from './config';
import { startKubelet } from './kubelet';

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const logger = pino({ name: 'kubelet', level: config.logLevel }).child({ node: config.nodeName });
  const kubelet = await startKubelet(config, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down (pods keep running; a restarted kubelet adopts them)');
    await kubelet.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('kubelet failed:', err);
  process.exit(1);
});
