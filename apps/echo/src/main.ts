// k8ts/echo entry point. Configuration comes from the pod's environment
// (POD_NAME, POD_NAMESPACE, POD_IP, NODE_NAME, PORT, FILES_DIR), with
// optional --host/--port/--files-dir flags. Telemetry starts in
// ./telemetry, which must stay the first import.
import { telemetry } from './telemetry';
import { parseArgs } from 'node:util';
import { startEchoServer } from './echo-server';

/** Flushes telemetry, but never waits longer than `maxMs` (no collector must not delay an exit). */
function flushTelemetry(maxMs = 1_000): Promise<void> {
  return Promise.race([telemetry.shutdown().catch(() => undefined), new Promise<void>((r) => setTimeout(r, maxMs).unref())]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'files-dir': { type: 'string' },
    },
    strict: true,
  });
  const env = process.env;
  const host = values.host ?? env['POD_IP'] ?? '127.0.0.1';
  const port = Number(values.port ?? env['PORT'] ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${String(values.port ?? env['PORT'])}`);
  const echo = await startEchoServer({
    host,
    port,
    filesDir: values['files-dir'] ?? env['FILES_DIR'] ?? './data',
    pod: env['POD_NAME'] ?? '',
    namespace: env['POD_NAMESPACE'] ?? '',
    ip: env['POD_IP'] ?? host,
    node: env['NODE_NAME'] ?? '',
    exit: (code) => void flushTelemetry().finally(() => process.exit(code)),
  });
  console.log(`echo listening on http://${host}:${echo.port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, draining`);
    void echo
      .drain(5_000)
      .then((clean) => {
        console.log(clean ? 'drained, exiting' : 'drain timed out after 5s, exiting');
        return flushTelemetry();
      })
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('echo failed:', err);
  process.exit(1);
});
