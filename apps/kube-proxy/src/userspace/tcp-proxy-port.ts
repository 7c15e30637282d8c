// One TCP listener of the userspace proxier (protocol/IP/port of a rule).
//  - forward: each accepted connection is piped to an endpoint chosen by the
//    LoadBalancer; an endpoint that refuses (or does not answer in time) is
//    skipped and the next one tried; if none can be reached the client gets
//    a reset.
//  - reject: no listener at all, so the kernel refuses the connection at
//    once (ECONNREFUSED, as upstream's REJECT rule).
//  - drop (also clients outside loadBalancerSourceRanges on a load
//    balancer IP): connections are accepted and held without an answer until the
//    client gives up (a userspace stand-in for upstream's DROP: the SYN
//    itself cannot be dropped from userspace), at most DROP_HOLD_MS.
// With externalTrafficPolicy Local, clients inside the cluster (pod CIDR)
// reaching a node port, LB or external IP go to all endpoints, not only the
// local ones (upstream's short-circuit of in-cluster traffic).
// Rule updates change the endpoints for new connections only: existing
// connections run on, so a removed endpoint drains.
//
// Every forwarded connection is one span "kube-proxy proxy". When the
// client's first chunk is an HTTP/1.x request with a traceparent header, the
// span is that request's child.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Context } from '@opentelemetry/api';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ProxyRule, Backend } from '../proxy/rules';
import type { ConnectionMetrics, ServiceLabels } from '../server/metrics';
import { backendKey, LoadBalancer, type AffinityTable } from './load-balancer';
import { SourceRanges } from './source-ranges';
import { httpTraceContext } from './traceparent';

export const PROXY_SPAN_NAME = 'kube-proxy proxy';
/** Per-attempt dial timeouts (upstream userspace proxier: growing timeouts). */
export const DIAL_TIMEOUTS_MS = [1000, 2000, 4000];
const MAX_DIAL_ATTEMPTS = 8;
export const DROP_HOLD_MS = 30_000;
const STREAM_HIGH_WATER_MARK = 256 * 1024;

const tracer = trace.getTracer('kube-proxy');

export function serviceLabels(rule: ProxyRule): ServiceLabels {
  return { service: `${rule.service.namespace}/${rule.service.name}`, port: rule.service.port || String(rule.servicePort), protocol: rule.protocol };
}

export class ListenError extends Error {
  constructor(
    readonly key: string,
    cause: Error,
  ) {
    super(`listen ${key}: ${cause.message}`, { cause });
    this.name = 'ListenError';
  }
}

export class TcpProxyPort {
  private rule: ProxyRule;
  private server: Server | undefined;
  private readonly lb: LoadBalancer;
  private readonly sockets = new Set<Socket>();
  private labels: ServiceLabels;
  private sources: SourceRanges;
  /** Endpoints for clients inside the cluster (externalTrafficPolicy Local short-circuit). */
  private readonly inClusterLb: LoadBalancer;

  constructor(
    rule: ProxyRule,
    private readonly metrics: ConnectionMetrics,
    /** Client IPs inside the cluster (the pod CIDR). */
    private readonly cluster: SourceRanges = SourceRanges.nobody(),
    affinity: AffinityTable = new Map(),
  ) {
    this.lb = new LoadBalancer(Date, affinity);
    this.inClusterLb = new LoadBalancer(Date, affinity);
    this.rule = rule;
    this.labels = serviceLabels(rule);
    this.sources = new SourceRanges(rule.sourceRanges);
  }

  /** Open connections (client and endpoint sides). */
  connectionCount(): number {
    return this.sockets.size;
  }

  /** The service port this listener serves. */
  service(): ProxyRule['service'] {
    return this.rule.service;
  }

  /** Serves the rule: listens unless it rejects, closes the listener when it does. */
  async update(rule: ProxyRule): Promise<void> {
    this.rule = rule;
    this.labels = serviceLabels(rule);
    this.sources = new SourceRanges(rule.sourceRanges);
    this.lb.update(rule.backends, rule.stickyMaxAgeSeconds);
    this.inClusterLb.update(rule.inClusterBackends, rule.stickyMaxAgeSeconds);
    if (rule.action === 'reject') this.closeListener();
    else if (!this.server) await this.listen();
  }

  /** Stops taking connections; open ones drain. */
  close(): void {
    this.closeListener();
  }

  /** Stops everything, open connections included (shutdown). */
  destroy(): void {
    this.closeListener();
    for (const s of this.sockets) s.destroy();
  }

  private closeListener(): void {
    this.server?.close();
    this.server = undefined;
  }

  private listen(): Promise<void> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true, highWaterMark: STREAM_HIGH_WATER_MARK }, (c) => this.onConnection(c));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        if (this.server === server) this.server = undefined;
        reject(new ListenError(this.rule.key, err));
      });
      server.listen({ host: this.rule.ip, port: this.rule.port, backlog: 1024 }, () => {
        server.removeAllListeners('error');
        server.on('error', () => undefined);
        resolve();
      });
    });
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  private onConnection(client: Socket): void {
    this.track(client);
    client.on('error', () => undefined);
    const rule = this.rule;
    const labels = this.labels;
    const clientIP = client.remoteAddress ?? '';
    const outsideRanges = !this.sources.allows(clientIP);
    const inCluster = rule.inClusterBackends.length > 0 && this.cluster.allows(clientIP);
    if ((rule.action === 'drop' && !inCluster) || outsideRanges) {
      this.metrics.rejected(labels, outsideRanges ? 'source_range' : 'no_local_endpoints');
      const timer = setTimeout(() => client.destroy(), DROP_HOLD_MS);
      timer.unref();
      client.once('close', () => clearTimeout(timer));
      client.resume(); // read and discard
      return;
    }
    const accepted = Date.now();
    this.metrics.opened(labels);
    client.once('close', () => this.metrics.closed(labels));
    void this.dial(inCluster ? this.inClusterLb : this.lb, clientIP, () => client.destroyed).then((dialed) => {
      if (client.destroyed) {
        dialed?.socket.destroy();
        return;
      }
      if (!dialed) {
        this.metrics.rejected(labels, 'dial_failed');
        recordFailedSpan(rule, accepted, client);
        client.resetAndDestroy();
        return;
      }
      this.splice(client, dialed.socket, dialed.backend, rule, labels, accepted);
    });
  }

  /** Dials endpoints until one answers; undefined when none does. */
  private async dial(lb: LoadBalancer, clientIP: string, gaveUp: () => boolean): Promise<{ socket: Socket; backend: Backend } | undefined> {
    const tried = new Set<string>();
    for (let attempt = 0; attempt < MAX_DIAL_ATTEMPTS && !gaveUp(); attempt++) {
      const backend = lb.next(clientIP, tried);
      if (!backend) return undefined;
      const timeout = DIAL_TIMEOUTS_MS[Math.min(attempt, DIAL_TIMEOUTS_MS.length - 1)] as number;
      const socket = await dialOnce(backend, timeout);
      if (socket) return { socket, backend };
      tried.add(backendKey(backend));
      this.metrics.dialFailed(this.labels);
    }
    return undefined;
  }

  private splice(client: Socket, upstream: Socket, backend: Backend, rule: ProxyRule, labels: ServiceLabels, accepted: number): void {
    this.track(upstream);
    upstream.setNoDelay(true);
    let bytesIn = 0;
    let bytesOut = 0;
    let spanParent: Context | undefined;
    let failed: Error | undefined;
    client.once('data', (first: Buffer) => {
      const tc = httpTraceContext(first);
      spanParent = tc ? propagation.extract(ROOT_CONTEXT, tc) : ROOT_CONTEXT;
    });
    client.on('data', (b: Buffer) => (bytesIn += b.length));
    upstream.on('data', (b: Buffer) => (bytesOut += b.length));
    const onError = (err: Error) => {
      failed ??= err;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', onError);
    upstream.on('error', onError);
    let open = 2;
    const closed = () => {
      if (--open > 0) return;
      this.metrics.bytes(labels, 'in', bytesIn);
      this.metrics.bytes(labels, 'out', bytesOut);
      const span = tracer.startSpan(
        PROXY_SPAN_NAME,
        {
          kind: SpanKind.SERVER,
          startTime: accepted,
          attributes: {
            'k8s.service.name': rule.service.name,
            'k8s.namespace.name': rule.service.namespace,
            'k8ts.service.port': rule.service.port || String(rule.servicePort),
            'k8ts.proxy.kind': rule.kind,
            'server.address': rule.ip,
            'server.port': rule.port,
            'client.address': client.remoteAddress ?? '',
            'network.transport': 'tcp',
            'k8ts.endpoint': backendKey(backend),
            'k8ts.proxy.bytes_in': bytesIn,
            'k8ts.proxy.bytes_out': bytesOut,
          },
        },
        spanParent ?? ROOT_CONTEXT,
      );
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: failed.message });
      span.end();
    };
    client.once('close', closed);
    upstream.once('close', closed);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }
}

function dialOnce(backend: Backend, timeoutMs: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    // highWaterMark (passed on to the Duplex; not in NetConnectOpts' type): fewer pause/resume rounds when piping bulk data.
    const opts = { host: backend.ip, port: backend.port, allowHalfOpen: true, noDelay: true, highWaterMark: STREAM_HIGH_WATER_MARK };
    const socket = connect(opts);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(undefined);
    });
  });
}

function recordFailedSpan(rule: ProxyRule, accepted: number, client: Socket): void {
  const span = tracer.startSpan(PROXY_SPAN_NAME, {
    kind: SpanKind.SERVER,
    startTime: accepted,
    attributes: {
      'k8s.service.name': rule.service.name,
      'k8s.namespace.name': rule.service.namespace,
      'server.address': rule.ip,
      'server.port': rule.port,
      'client.address': client.remoteAddress ?? '',
      'network.transport': 'tcp',
    },
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'no endpoint could be reached' });
  span.end();
}
