import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli';
import type { SpanRecord } from './otlp-json';
import { SpanFile } from './span-store';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
function span(traceId: string, spanId: string, name: string, service: string, start: number, attributes: SpanRecord['attributes'] = {}, parentSpanId?: string): SpanRecord {
  return { traceId, spanId, parentSpanId, name, service, startMs: start, endMs: start + 5, attributes };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8ts-trace-'));
  file = join(dir, 'spans.jsonl');
  new SpanFile(file).append([
    span(A, '1', 'apiserver create', 'apiserver', 1000, { 'k8s.pod.name': 'web-1', 'k8s.namespace.name': 'demo' }),
    span(A, '2', 'kubelet sync pod', 'kubelet', 1100, { 'k8s.pod.name': 'web-1', 'k8s.namespace.name': 'demo' }, '1'),
    span(B, '3', 'kube-proxy proxy', 'kube-proxy', 2000, { 'k8s.service.name': 'web' }),
    span(B, '4', 'echo GET /', 'echo', 2001, {}, '3'),
    span('c'.repeat(32), '5', 'echo GET', 'echo', 3000, { 'url.path': '/healthz' }),
  ]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): string[] {
  const out: string[] = [];
  runCli(['--file', file, ...args], (l) => out.push(l));
  return out;
}

describe('trace CLI', () => {
  it('pod: the trace the pod was created in', () => {
    const out = run('pod', 'demo/web-1');
    expect(out[0]).toContain(`trace ${A}`);
    expect(out.join('\n')).toContain('└─ kubelet sync pod');
  });

  it('--brief hides gRPC transport spans and re-parents their children', () => {
    new SpanFile(file).append([
      span(A, 'g1', 'grpc.k8ts.apiserver.v1.Resources/Create', 'kubelet', 1001, {}, '1'),
      span(A, 'g2', 'apiserver storage write', 'apiserver', 1002, {}, 'g1'),
    ]);
    const full = run('show', A).join('\n');
    expect(full).toContain('grpc.k8ts.apiserver.v1.Resources/Create');
    const brief = run('--brief', 'show', A).join('\n');
    expect(brief).not.toContain('grpc.');
    expect(brief).toContain('├─ apiserver storage write');
  });

  it('last-request: the newest request through the proxy to echo (never a readiness probe)', () => {
    expect(run('last-request')[0]).toContain(`trace ${B}`);
  });

  it('list: newest first', () => {
    const out = run('list');
    expect(out.map((l) => l.slice(0, 32))).toEqual(['c'.repeat(32), B, A]);
  });

  it.each([
    { desc: 'an unknown pod', args: ['pod', 'demo/nope'], err: 'no spans mention pod demo/nope' },
    { desc: 'an unknown trace', args: ['show', 'f'.repeat(32)], err: 'not found' },
  ])('fails clearly for $desc', ({ args, err }) => {
    expect(() => run(...args)).toThrow(err);
  });

  it('tells how to collect spans when there are none', () => {
    expect(() => runCli(['--file', join(dir, 'none.jsonl'), 'list'], () => undefined)).toThrow('npm start');
  });
});
