// A Status response written directly on a socket (requests that asked to
// upgrade have no ServerResponse).
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { StatusError } from '@k8ts/apimachinery';

export function writeStatusToSocket(socket: Duplex, err: StatusError): void {
  if (socket.destroyed || !socket.writable) return;
  const body = JSON.stringify(err.toJSON());
  socket.end(
    `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
