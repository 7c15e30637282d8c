// Small real-socket helpers for the kube-proxy's tests: TCP and UDP
// backends that answer with their name, and clients with deadlines.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';

export interface NameServer {
  name: string;
  ip: string;
  port: number;
  connections: number;
  close(): Promise<void>;
}

/** A TCP server on ip:port that answers every first chunk with `name` and closes. */
export async function startNameServer(name: string, ip: string, port = 0, opts: { holdMs?: number } = {}): Promise<NameServer> {
  const sockets = new Set<import('node:net').Socket>();
  const ns: NameServer = { name, ip, port, connections: 0, close: async () => undefined };
  const server: Server = createServer((s) => {
    ns.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.once('data', () => {
      if (opts.holdMs) setTimeout(() => s.end(name), opts.holdMs);
      else s.end(name);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve());
  });
  ns.port = (server.address() as import('node:net').AddressInfo).port;
  ns.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return ns;
}

/** Connects, sends `data`, returns everything received until the server closes. Rejects on error or after timeoutMs. */
export function tcpRequest(ip: string, port: number, data = 'hello', timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: ip, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`tcpRequest ${ip}:${port}: timed out after ${timeoutMs}ms`));
    }, timeoutMs);
    s.on('connect', () => s.write(data));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => {
      clearTimeout(timer);
      s.end();
      resolve(Buffer.concat(chunks).toString());
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export interface UdpEcho {
  port: number;
  close(): Promise<void>;
}

/** A UDP server that answers every datagram with `${name}:${datagram}`. */
export async function startUdpEcho(name: string, ip: string, port = 0): Promise<UdpEcho> {
  const s = createSocket('udp4');
  s.on('message', (msg, rinfo) => s.send(`${name}:${msg.toString()}`, rinfo.port, rinfo.address));
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, ip, () => resolve());
  });
  return { port: s.address().port, close: () => new Promise<void>((r) => s.close(() => r())) };
}

/** Sends one datagram from a fresh socket (or `from`) and waits for one answer. */
export function udpRequest(ip: string, port: number, data: string, timeoutMs = 3000, from?: UdpSocket): Promise<string> {
  const s = from ?? createSocket('udp4');
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`udpRequest ${ip}:${port}: no answer in ${timeoutMs}ms`)), timeoutMs);
    const onMessage = (msg: Buffer) => finish(undefined, msg.toString());
    const onError = (err: Error) => finish(err);
    const finish = (err?: Error, v?: string) => {
      clearTimeout(timer);
      s.off('message', onMessage);
      s.off('error', onError);
      if (!from) s.close();
      if (err) reject(err);
      else resolve(v as string);
    };
    s.on('message', onMessage);
    s.on('error', onError);
    s.send(data, port, ip);
  });
}
