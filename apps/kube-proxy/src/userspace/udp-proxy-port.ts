// One UDP listener of the userspace proxier. Each client address
// (ip:port) gets a session: its own socket connected to the endpoint the
// LoadBalancer chose, which carries the client's datagrams there and the
// replies back from the service address. A session ends after
// idleTimeoutMs without traffic, when its endpoint is no longer a backend
// (upstream clears such conntrack entries), or when the endpoint refuses
// (ICMP port unreachable), so the next datagram picks another endpoint.
//  - reject: no socket bound, so the kernel answers port unreachable.
//  - drop: datagrams are read and discarded (also those from clients
//    outside loadBalancerSourceRanges).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Backend, ProxyRule } from '../proxy/rules';
import type { ConnectionMetrics, ServiceLabels } from '../server/metrics';
import { backendKey, LoadBalancer, type AffinityTable } from './load-balancer';
import { SourceRanges } from './source-ranges';
import { ListenError, serviceLabels } from './tcp-proxy-port';

interface Session {
  socket: Socket;
  backend: string;
  timer: NodeJS.Timeout;
  labels: ServiceLabels;
  /** Datagrams that arrived before the session socket was connected. */
  queue: Buffer[] | undefined;
}

export class UdpProxyPort {
  private rule: ProxyRule;
  private socket: Socket | undefined;
  private readonly lb: LoadBalancer;
  private readonly sessions = new Map<string, Session>();
  private labels: ServiceLabels;
  private sources: SourceRanges;
  private readonly inClusterLb: LoadBalancer;

  constructor(
    rule: ProxyRule,
    private readonly metrics: ConnectionMetrics,
    private readonly idleTimeoutMs: number,
    private readonly cluster: SourceRanges = SourceRanges.nobody(),
    affinity: AffinityTable = new Map(),
  ) {
    this.lb = new LoadBalancer(Date, affinity);
    this.inClusterLb = new LoadBalancer(Date, affinity);
    this.rule = rule;
    this.labels = serviceLabels(rule);
    this.sources = new SourceRanges(rule.sourceRanges);
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  /** The service port this listener serves. */
  service(): ProxyRule['service'] {
    return this.rule.service;
  }

  async update(rule: ProxyRule): Promise<void> {
    this.rule = rule;
    this.labels = serviceLabels(rule);
    this.sources = new SourceRanges(rule.sourceRanges);
    this.lb.update(rule.backends, rule.stickyMaxAgeSeconds);
    this.inClusterLb.update(rule.inClusterBackends, rule.stickyMaxAgeSeconds);
    const live = new Set([...(rule.action === 'forward' ? rule.backends.map(backendKey) : []), ...rule.inClusterBackends.map(backendKey)]);
    for (const [client, s] of this.sessions) if (!live.has(s.backend)) this.endSession(client, s);
    if (rule.action === 'reject') this.closeSocket();
    else if (!this.socket) await this.bind();
  }

  close(): void {
    this.closeSocket();
    for (const [client, s] of this.sessions) this.endSession(client, s);
  }

  destroy(): void {
    this.close();
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    if (s) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }

  private bind(): Promise<void> {
    const socket = createSocket({ type: 'udp4' });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', (err) => {
        if (this.socket === socket) this.socket = undefined;
        reject(new ListenError(this.rule.key, err));
      });
      socket.bind({ address: this.rule.ip, port: this.rule.port, exclusive: true }, () => {
        socket.removeAllListeners('error');
        socket.on('error', () => undefined);
        socket.on('message', (msg, rinfo) => this.onMessage(socket, msg, rinfo));
        resolve();
      });
    });
  }

  private onMessage(front: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    const inCluster = this.rule.inClusterBackends.length > 0 && this.cluster.allows(rinfo.address);
    if (this.rule.action === 'drop' && !inCluster) {
      this.metrics.rejected(this.labels, 'no_local_endpoints');
      return;
    }
    if (!this.sources.allows(rinfo.address)) {
      this.metrics.rejected(this.labels, 'source_range');
      return;
    }
    const client = `${rinfo.address}:${rinfo.port}`;
    let session = this.sessions.get(client);
    if (!session) {
      const backend = (inCluster ? this.inClusterLb : this.lb).next(rinfo.address);
      if (!backend) {
        this.metrics.rejected(this.labels, 'no_endpoints');
        return;
      }
      session = this.openSession(front, client, rinfo, backend);
    }
    this.touch(client, session);
    this.metrics.bytes(session.labels, 'in', msg.length);
    if (session.queue) {
      if (session.queue.length < 64) session.queue.push(msg);
    } else session.socket.send(msg);
  }

  private openSession(front: Socket, client: string, rinfo: RemoteInfo, backend: Backend): Session {
    const socket = createSocket({ type: 'udp4' });
    const labels = this.labels;
    const session: Session = { socket, backend: backendKey(backend), timer: setTimeout(() => undefined, 0), labels, queue: [] };
    this.sessions.set(client, session);
    this.metrics.opened(labels);
    socket.on('error', () => {
      // ECONNREFUSED from the endpoint: forget the session; the next datagram picks again.
      this.metrics.dialFailed(labels);
      this.endSession(client, session);
    });
    socket.on('message', (reply) => {
      this.touch(client, session);
      this.metrics.bytes(labels, 'out', reply.length);
      front.send(reply, rinfo.port, rinfo.address);
    });
    socket.connect(backend.port, backend.ip, () => {
      const queued = session.queue ?? [];
      session.queue = undefined;
      if (this.sessions.get(client) === session) for (const m of queued) socket.send(m);
    });
    return session;
  }

  private touch(client: string, s: Session): void {
    clearTimeout(s.timer);
    s.timer = setTimeout(() => this.endSession(client, s), this.idleTimeoutMs);
    s.timer.unref();
  }

  private endSession(client: string, s: Session): void {
    if (this.sessions.get(client) !== s) return;
    this.sessions.delete(client);
    clearTimeout(s.timer);
    this.metrics.closed(s.labels);
    try {
      s.socket.close();
    } catch {
      // already closed
    }
  }
}
