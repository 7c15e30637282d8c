import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';
import { trace } from '@opentelemetry/api';
import { startTelemetry, type Instrumentations } from './telemetry';

type Instrumentation = Extract<Instrumentations[number], { disable(): void }>;

jest.setTimeout(30_000);

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('startTelemetry', () => {
  it('does nothing when OTEL_SDK_DISABLED=true', async () => {
    process.env['OTEL_SDK_DISABLED'] = 'true';
    const t = startTelemetry({ serviceName: 'apiserver' });
    expect(t.enabled).toBe(false);
    expect(trace.getTracer('x').startSpan('s').isRecording()).toBe(false);
    await t.shutdown();
  });

  it('when disabled, creates no instrumentation from a factory and disables given instances', async () => {
    process.env['OTEL_SDK_DISABLED'] = 'true';
    const factory = jest.fn(() => []);
    expect(startTelemetry({ serviceName: 'apiserver', instrumentations: factory }).enabled).toBe(false);
    expect(factory).not.toHaveBeenCalled();
    const instance = { disable: jest.fn() } as unknown as Instrumentation;
    expect(startTelemetry({ serviceName: 'apiserver', instrumentations: [instance] }).enabled).toBe(false);
    expect(instance.disable).toHaveBeenCalled();
  });

  it('in a real process with OTEL_SDK_DISABLED=true: loads no SDK and leaves the API a no-op', async () => {
    const dir = compileForNode(['telemetry.ts', 'propagator.ts']);
    try {
      writeFileSync(
        join(dir, 'driver.js'),
        `
const { startTelemetry } = require('./telemetry.js');
const api = require('@opentelemetry/api');
let called = false;
const t = startTelemetry({ serviceName: 'x', instrumentations: () => { called = true; return []; } });
const sdkLoaded = Object.keys(require.cache).filter((f) => /@opentelemetry[\\/](sdk-|instrumentation|exporter)/.test(f));
const recording = api.trace.getTracer('t').startSpan('s').isRecording();
t.shutdown().then(() => console.log(JSON.stringify({ enabled: t.enabled, called, sdkLoaded, recording })));
`,
      );
      const stdout = await run(process.execPath, [join(dir, 'driver.js')], { ...savedEnv, OTEL_SDK_DISABLED: 'true' });
      expect(JSON.parse(stdout.trim().split('\n').pop() ?? '{}')).toEqual({ enabled: false, called: false, sdkLoaded: [], recording: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The OTLP HTTP exporter loads `http` with a dynamic import(), which jest's
  // module sandbox cannot run; so this runs the bootstrap in a real Node
  // process, the way an app does.
  it('in a real process: exports over OTLP per OTEL_* env, with service.name, W3C propagation and flush on shutdown', async () => {
    const collector = await fakeCollector();
    const dir = compileForNode(['telemetry.ts', 'propagator.ts']);
    try {
      writeFileSync(
        join(dir, 'driver.js'),
        `
const { startTelemetry } = require('./telemetry.js');
const api = require('@opentelemetry/api');
let called = false;
const t = startTelemetry({
  serviceName: 'k8ts-telemetry-spec',
  attributes: { 'k8s.node.name': 'node-7' },
  instrumentations: () => { called = true; return []; },
});
let again = '';
try { startTelemetry({ serviceName: 'again' }); } catch (e) { again = e.message; }
const carrier = {};
api.trace.getTracer('spec').startActiveSpan('apiserver.create', (span) => {
  api.propagation.inject(api.context.active(), carrier);
  span.end();
});
t.shutdown().then(() => t.shutdown()).then(() => console.log(JSON.stringify({ carrier, again, called })));
`,
      );
      const stdout = await run(process.execPath, [join(dir, 'driver.js')], {
        ...savedEnv,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_SERVICE_NAME: '',
        OTEL_SDK_DISABLED: '',
      });
      const out = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { carrier: Record<string, string>; again: string; called: boolean };
      expect(out.again).toMatch(/already started/);
      expect(out.called).toBe(true);
      expect(out.carrier['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

      const traces = collector.received.filter((r) => r.url === '/v1/traces');
      expect(traces).toHaveLength(1);
      expect(traces[0]?.headers['content-type']).toBe('application/x-protobuf');
      const body = traces[0]?.body.toString('latin1') ?? '';
      for (const s of ['service.name', 'k8ts-telemetry-spec', 'service.namespace', 'k8ts', 'node-7', 'apiserver.create']) {
        expect(body).toContain(s);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await new Promise((r) => collector.server.close(r));
    }
  });
});

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A fake OTLP/HTTP collector on loopback that records what it gets. */
async function fakeCollector(): Promise<{ server: Server; endpoint: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}`, received };
}

/** Transpiles sibling sources to CommonJS in a temp dir inside the workspace (so node_modules resolve). */
function compileForNode(files: string[]): string {
  const workspaceTmp = resolve(__dirname, '../../../tmp');
  mkdirSync(workspaceTmp, { recursive: true });
  const dir = mkdtempSync(join(workspaceTmp, 'telemetry-spec-'));
  for (const f of files) {
    const { outputText } = transpileModule(readFileSync(join(__dirname, f), 'utf8'), {
      compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true },
    });
    writeFileSync(join(dir, f.replace(/\.ts$/, '.js')), outputText);
  }
  return dir;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done, fail) => {
    execFile(cmd, args, { env, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else done(stdout);
    });
  });
}
