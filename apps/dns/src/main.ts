// dns entry point: parse config, start the DNS manager, stop cleanly on
// SIGINT/SIGTERM (deregister from kube-dns Endpoints, close the sockets,
// exit 0). No logic lives here. Telemetry starts in ./telemetry, which must
// stay the first import.
import { telemetry } from './telemetry';
import pino from 'pino';
import { parseConfig } from './config';
import { DnsManager } from './manager/dns-manager';

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2));
  const logger = pino({ name: 'dns', level: config.logLevel });
  const manager = new DnsManager(config, { logger });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await manager.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await manager.start();
  logger.info({ dns: `${config.bindAddress}:${manager.dnsPort}`, zone: config.clusterDomain, clusterDnsIP: config.clusterDnsIP, api: config.apiAddress, watchVia: config.watchVia }, 'dns started');
}

main().catch((err) => {
  console.error('dns failed:', err);
  process.exit(1);
});
