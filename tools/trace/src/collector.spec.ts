import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCollector, type Collector } from './collector';
import type { SpanRecord } from './otlp-json';

const EXPORTING_PROCESS = `
const { context, trace } = require('@opentelemetry/api');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'scheduler' }),
  spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: process.argv[1] }))],
});
const tracer = provider.getTracer('test');
const parent = tracer.startSpan('scheduler schedule', { attributes: { 'k8s.pod.name': 'web-1' } });
tracer.startSpan('scheduler bind', {}, trace.setSpan(context.active(), parent)).end();
parent.end();
provider.forceFlush().then(() => provider.shutdown()).catch((e) => { console.error(e); process.exit(1); });
`;

let collector: Collector;
const received: SpanRecord[] = [];

beforeEach(async () => {
  received.length = 0;
  collector = await startCollector({ host: '127.0.0.1', port: 0, onSpans: (s) => received.push(...s) });
});
afterEach(() => collector.close());

function post(path: string, contentType: string, body: string, method = 'POST'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: collector.port, path, method, headers: { 'content-type': contentType } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('OTLP/HTTP JSON collector', () => {
  it('receives what a real OpenTelemetry OTLP exporter sends', async () => {
    // A separate node process with the real SDK and OTLP/HTTP JSON exporter
    // (the exporter's dynamic imports do not load under jest).
    await promisify(execFile)(process.execPath, ['-e', EXPORTING_PROCESS, `http://127.0.0.1:${collector.port}/v1/traces`], {
      cwd: join(__dirname, '..', '..', '..'),
      timeout: 20_000,
    });
    expect(received.map((s) => s.name).sort()).toEqual(['scheduler bind', 'scheduler schedule']);
    const p = received.find((s) => s.name === 'scheduler schedule') as SpanRecord;
    const c = received.find((s) => s.name === 'scheduler bind') as SpanRecord;
    expect(c.parentSpanId).toBe(p.spanId);
    expect(c.traceId).toBe(p.traceId);
    expect(p).toMatchObject({ service: 'scheduler', attributes: { 'k8s.pod.name': 'web-1' } });
    expect(p.endMs).toBeGreaterThanOrEqual(p.startMs);
  });

  it.each([
    { desc: 'protobuf bodies (with the fix)', path: '/v1/traces', type: 'application/x-protobuf', body: 'x', method: 'POST', status: 415, says: 'http/json' },
    { desc: 'broken JSON', path: '/v1/traces', type: 'application/json', body: '{', method: 'POST', status: 400, says: '' },
    { desc: 'a payload of the wrong shape', path: '/v1/traces', type: 'application/json', body: '[1]', method: 'POST', status: 400, says: 'ExportTraceServiceRequest' },
    { desc: 'other paths', path: '/v1/metrics', type: 'application/json', body: '{}', method: 'POST', status: 404, says: '' },
    { desc: 'GET', path: '/v1/traces', type: 'application/json', body: '', method: 'GET', status: 405, says: '' },
  ])('rejects $desc', async ({ path, type, body, method, status, says }) => {
    const res = await post(path, type, body, method);
    expect(res.status).toBe(status);
    expect(res.body).toContain(says);
    expect(received).toEqual([]);
  });
});
