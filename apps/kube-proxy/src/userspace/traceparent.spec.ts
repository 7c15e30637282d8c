import { httpTraceContext } from './traceparent';

const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('httpTraceContext', () => {
  it.each([
    { desc: 'HTTP/1.1 with traceparent', raw: `GET / HTTP/1.1\r\nHost: x\r\ntraceparent: ${tp}\r\n\r\n`, want: { traceparent: tp } },
    { desc: 'header names are case-insensitive; tracestate kept', raw: `POST /a HTTP/1.0\r\nTraceParent: ${tp}\r\nTraceState: k=v\r\n\r\nbody`, want: { traceparent: tp, tracestate: 'k=v' } },
    { desc: 'head cut off by the chunk end', raw: `GET / HTTP/1.1\r\ntraceparent: ${tp}\r\nHost: x`, want: { traceparent: tp } },
    { desc: 'no traceparent', raw: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', want: undefined },
    { desc: 'invalid traceparent', raw: 'GET / HTTP/1.1\r\ntraceparent: nope\r\n\r\n', want: undefined },
    { desc: 'traceparent in the body only', raw: `GET / HTTP/1.1\r\nHost: x\r\n\r\ntraceparent: ${tp}\r\n`, want: undefined },
    { desc: 'not HTTP', raw: '\x16\x03\x01\x02\x00', want: undefined },
    { desc: 'HTTP/2 preface', raw: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', want: undefined },
  ])('$desc', ({ raw, want }) => {
    expect(httpTraceContext(Buffer.from(raw, 'latin1'))).toEqual(want);
  });
});
