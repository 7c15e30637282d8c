// A minimal OTLP/HTTP trace receiver for `npm start`: components export with
//   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:4318/v1/traces
//   OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json
// and every span lands in a SpanFile that `npm run trace` reads. Only the JSON
// encoding is accepted (a protobuf body gets 415 with the fix in the message).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidOtlpPayloadError, spansFromOtlpJson, type SpanRecord } from './otlp-json';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface CollectorOptions {
  host?: string;
  port?: number;
  onSpans(spans: SpanRecord[]): void;
}

export interface Collector {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError(`body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const server = createServer((req, res) => {
    const reply = (code: number, body: object) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url?.split('?')[0] !== '/v1/traces') return reply(404, { message: 'only /v1/traces is served' });
    if (req.method !== 'POST') return reply(405, { message: 'POST only' });
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (type !== 'application/json') {
      req.resume();
      return reply(415, { message: `content-type ${type || '(none)'} is not supported: set OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json` });
    }
    readBody(req)
      .then((buf) => {
        const spans = spansFromOtlpJson(JSON.parse(buf.toString('utf8')));
        opts.onSpans(spans);
        reply(200, {});
      })
      .catch((err: Error) => {
        const bad = err instanceof InvalidOtlpPayloadError || err instanceof SyntaxError;
        reply(err instanceof BodyTooLargeError ? 413 : bad ? 400 : 500, { message: err.message });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4318, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
