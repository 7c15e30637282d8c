import { InvalidOtlpPayloadError, nanosToMs, spansFromOtlpJson } from './otlp-json';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function request(spans: object[], resource: object[] = [{ key: 'service.name', value: { stringValue: 'kubelet' } }]) {
  return { resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ scope: { name: 'x' }, spans }] }] };
}

describe('spansFromOtlpJson', () => {
  it('flattens spans with their service, times, attributes, status and links', () => {
    const [s] = spansFromOtlpJson(
      request(
        [
          {
            traceId: TRACE,
            spanId: '00f067aa0ba902b7',
            parentSpanId: '1111111111111111',
            name: 'kubelet sync pod',
            kind: 1,
            startTimeUnixNano: '1764400000123456789',
            endTimeUnixNano: '1764400000223456789',
            attributes: [
              { key: 'k8s.pod.name', value: { stringValue: 'web-1' } },
              { key: 'retries', value: { intValue: '3' } },
              { key: 'ok', value: { boolValue: true } },
              { key: 'ratio', value: { doubleValue: 0.5 } },
              { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
            ],
            links: [{ traceId: 'aa'.repeat(16), spanId: 'bb'.repeat(8) }],
            status: { code: 2, message: 'boom' },
          },
        ],
        [
          { key: 'service.name', value: { stringValue: 'kubelet' } },
          { key: 'k8s.node.name', value: { stringValue: 'node-1' } },
        ],
      ),
    );
    expect(s).toEqual({
      traceId: TRACE,
      spanId: '00f067aa0ba902b7',
      parentSpanId: '1111111111111111',
      name: 'kubelet sync pod',
      service: 'kubelet',
      startMs: 1764400000123.456,
      endMs: 1764400000223.456,
      kind: 1,
      statusCode: 2,
      statusMessage: 'boom',
      attributes: { 'k8s.pod.name': 'web-1', retries: 3, ok: true, ratio: 0.5, list: ['a', 2], 'k8s.node.name': 'node-1' },
      links: [{ traceId: 'aa'.repeat(16), spanId: 'bb'.repeat(8) }],
    });
  });

  it.each([
    { desc: 'no parent', parentSpanId: undefined },
    { desc: 'empty parent', parentSpanId: '' },
    { desc: 'all-zero parent', parentSpanId: '0000000000000000' },
  ])('roots: $desc', ({ parentSpanId }) => {
    const [s] = spansFromOtlpJson(request([{ traceId: TRACE, spanId: '01', parentSpanId, name: 'r', startTimeUnixNano: '1', endTimeUnixNano: '2' }]));
    expect(s.parentSpanId).toBeUndefined();
  });

  it.each([
    { desc: 'not an object', body: 'x' },
    { desc: 'an array', body: [] },
    { desc: 'a span without ids', body: request([{ name: 'x' }]) },
    { desc: 'a bad time', body: request([{ traceId: TRACE, spanId: '01', startTimeUnixNano: '12abc' }]) },
  ])('rejects $desc', ({ body }) => {
    expect(() => spansFromOtlpJson(body)).toThrow(InvalidOtlpPayloadError);
  });

  it('accepts an empty export', () => {
    expect(spansFromOtlpJson({})).toEqual([]);
  });

  it.each([
    { desc: 'string nanos', v: '1500000', want: 1.5 },
    { desc: 'number nanos', v: 2_000_000, want: 2 },
    { desc: 'missing', v: undefined, want: 0 },
  ])('nanosToMs: $desc', ({ v, want }) => {
    expect(nanosToMs(v)).toBe(want);
  });
});
