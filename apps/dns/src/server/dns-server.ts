// DnsServer: the UDP and TCP listeners on one address and port. UDP: one
// datagram per query and per response. TCP (RFC 7766): each message is
// prefixed by its 2-byte length; a connection may carry many queries, and
// is closed after an idle timeout. Both hand every message to the handler.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
import type { DnsHandler } from './handler';

export interface DnsServerOptions {
  host: string;
  /** 0: any free port (the same one for UDP and TCP). */
  port: number;
  /** Idle TCP connections are closed after this long (default 10 s). */
  tcpIdleTimeoutMs?: number;
  /** Most concurrent TCP connections (default 1000). */
  maxTcpConnections?: number;
  onError?(err: Error, where: string): void;
}

export class DnsServer {
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<TcpSocket>();
  private boundPort = 0;

  constructor(
    private readonly handler: DnsHandler,
    private readonly opts: DnsServerOptions,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get address(): string {
    return `${this.opts.host}:${this.boundPort}`;
  }

  /** Binds UDP, then TCP on the same port (with port 0, retries until both get the same one). */
  async start(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const udp = await this.bindUdp(this.opts.port);
      const port = udp.address().port;
      try {
        this.tcp = await this.listenTcp(port);
        this.udp = udp;
        this.boundPort = port;
        return;
      } catch (err) {
        udp.close();
        if (this.opts.port !== 0 || attempt >= 20) throw err;
      }
    }
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const c of this.connections) c.destroy();
    await Promise.all([
      udp ? new Promise<void>((r) => udp.close(() => r())) : undefined,
      tcp ? new Promise<void>((r) => tcp.close(() => r())) : undefined,
    ]);
  }

  private bindUdp(port: number): Promise<Socket> {
    const family = isIPv6(this.opts.host) ? 6 : 4;
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      let out: Buffer | undefined;
      try {
        out = this.handler.handle(msg, 'udp', family);
      } catch (err) {
        this.opts.onError?.(err as Error, 'udp');
        return;
      }
      if (out) socket.send(out, rinfo.port, rinfo.address, (err) => err && this.opts.onError?.(err, 'udp send'));
    });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, this.opts.host, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.opts.onError?.(err, 'udp'));
        resolve(socket);
      });
    });
  }

  private listenTcp(port: number): Promise<Server> {
    const family = isIPv6(this.opts.host) ? 6 : 4;
    const server = createServer((conn) => this.serveConnection(conn, family));
    server.maxConnections = this.opts.maxTcpConnections ?? 1000;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.opts.host, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.opts.onError?.(err, 'tcp'));
        resolve(server);
      });
    });
  }

  private serveConnection(conn: TcpSocket, family: 4 | 6): void {
    this.connections.add(conn);
    conn.setNoDelay(true);
    conn.setTimeout(this.opts.tcpIdleTimeoutMs ?? 10_000, () => conn.destroy());
    let pending: Buffer = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const msg = pending.subarray(2, 2 + len);
        pending = pending.subarray(2 + len);
        let out: Buffer | undefined;
        try {
          out = this.handler.handle(Buffer.from(msg), 'tcp', family);
        } catch (err) {
          this.opts.onError?.(err as Error, 'tcp');
          conn.destroy();
          return;
        }
        if (!out) continue;
        const framed = Buffer.alloc(2 + out.length);
        framed.writeUInt16BE(out.length, 0);
        out.copy(framed, 2);
        conn.write(framed);
      }
    });
    conn.on('error', () => undefined);
    conn.on('close', () => this.connections.delete(conn));
  }
}
