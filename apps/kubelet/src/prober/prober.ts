// Runs one probe (httpGet, tcpSocket, exec; grpc is not supported) against a
// container, as the kubelet's prober does. State machines (thresholds,
// periods, startup gating) live in probe-manager.ts.

import * as http from 'node:http';
import * as net from 'node:net';
import { intOrStringValue, resolvePort, type Container, type IntOrString, type Probe } from '@k8ts/api';
import { expandCommand } from '../envvars/environment';
import type { ExecResult } from '../runtime/runtime';

export type ProbeResult = 'success' | 'failure' | 'unknown';
export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export interface ProbeTarget {
  podIP: string;
  containerId: string;
  /** The container's environment ($(VAR) in exec commands). */
  env: Record<string, string>;
}

export interface ProbeOutcome {
  result: ProbeResult;
  output: string;
}

export interface Prober {
  probe(probe: Probe, kind: ProbeKind, target: ProbeTarget, container: Container): Promise<ProbeOutcome>;
}

export type ExecSyncFn = (containerId: string, cmd: string[], timeoutSeconds: number) => Promise<ExecResult>;

export interface RealProberOptions {
  /** Runs an exec probe's command in the container (Runtime.execSync). */
  execSync?: ExecSyncFn;
  /** User-Agent of HTTP probes (default "kube-probe/k8ts"). */
  userAgent?: string;
}

/** At most this much of an HTTP body or exec output is kept as probe output. */
const MAX_OUTPUT = 10 * 1024;

export class RealProber implements Prober {
  private readonly execSync?: ExecSyncFn;
  private readonly userAgent: string;

  constructor(opts: RealProberOptions = {}) {
    this.execSync = opts.execSync;
    this.userAgent = opts.userAgent ?? 'kube-probe/k8ts';
  }

  async probe(probe: Probe, _kind: ProbeKind, target: ProbeTarget, container: Container): Promise<ProbeOutcome> {
    const timeoutSeconds = probe.timeoutSeconds && probe.timeoutSeconds > 0 ? probe.timeoutSeconds : 1;
    const handler = probe.handler ?? {};
    try {
      if (handler.exec) return await this.probeExec(handler.exec.command ?? [], target, timeoutSeconds);
      if (handler.httpGet) {
        const h = handler.httpGet;
        const port = probePort(h.port, container);
        if (port === undefined) return { result: 'failure', output: `invalid port ${describePort(h.port)}` };
        const scheme = (h.scheme || 'HTTP').toUpperCase();
        if (scheme !== 'HTTP') return { result: 'failure', output: `scheme ${scheme} is not supported by k8ts probes` };
        const headers: Record<string, string> = {};
        for (const hh of h.httpHeaders ?? []) if (hh.name) headers[hh.name] = hh.value ?? '';
        return await httpProbe({
          host: h.host || target.podIP,
          port,
          path: h.path || '/',
          headers,
          userAgent: this.userAgent,
          timeoutMs: timeoutSeconds * 1000,
        });
      }
      if (handler.tcpSocket) {
        const port = probePort(handler.tcpSocket.port, container);
        if (port === undefined) return { result: 'failure', output: `invalid port ${describePort(handler.tcpSocket.port)}` };
        return await tcpProbe(handler.tcpSocket.host || target.podIP, port, timeoutSeconds * 1000);
      }
      if (handler.grpc) return { result: 'unknown', output: 'grpc probes are not supported by k8ts' };
      return { result: 'unknown', output: 'missing probe handler' };
    } catch (err) {
      return { result: 'unknown', output: `probe errored: ${(err as Error).message}` };
    }
  }

  private async probeExec(cmd: string[], target: ProbeTarget, timeoutSeconds: number): Promise<ProbeOutcome> {
    if (!this.execSync) return { result: 'unknown', output: 'exec probes need a runtime' };
    const command = expandCommand(cmd, target.env);
    const res = await this.execSync(target.containerId, command, timeoutSeconds);
    const output = truncate(res.stdout + res.stderr);
    if (res.timedOut) return { result: 'failure', output: `command timed out after ${timeoutSeconds}s` };
    return { result: res.exitCode === 0 ? 'success' : 'failure', output };
  }
}

/** A probe's port: a number, or the name of one of the container's ports. */
export function probePort(port: IntOrString | undefined, container: Container): number | undefined {
  const p = resolvePort(port, container.ports ?? []);
  return p !== undefined && p > 0 && p < 65536 ? p : undefined;
}

function describePort(port: IntOrString | undefined): string {
  return JSON.stringify(intOrStringValue(port) ?? null);
}

function truncate(s: string): string {
  return s.length > MAX_OUTPUT ? s.slice(0, MAX_OUTPUT) : s;
}

export interface HttpProbeRequest {
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  userAgent: string;
  timeoutMs: number;
}

/** GET; 200..399 is success (redirects are not followed). */
export function httpProbe(req: HttpProbeRequest): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o);
    };
    const headers: Record<string, string> = { 'User-Agent': req.userAgent, Accept: '*/*', ...req.headers };
    const hostHeader = Object.keys(headers).find((k) => k.toLowerCase() === 'host');
    const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
    const url = `http://${req.host.includes(':') ? `[${req.host}]` : req.host}:${req.port}${path}`;
    const request = http.request(
      {
        host: req.host,
        port: req.port,
        path,
        method: 'GET',
        headers,
        agent: false,
        ...(hostHeader ? { setHost: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_OUTPUT) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          const body = truncate(Buffer.concat(chunks).toString('utf8'));
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 400) finish({ result: 'success', output: body });
          else finish({ result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
        });
        res.on('error', (err) => finish({ result: 'failure', output: `Get "${url}": ${err.message}` }));
      },
    );
    const timer = setTimeout(() => {
      finish({
        result: 'failure',
        output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      });
      request.destroy();
    }, req.timeoutMs);
    request.on('error', (err) => finish({ result: 'failure', output: `Get "${url}": ${err.message}` }));
    request.end();
  });
}

/** Success when a TCP connection opens within the timeout. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const addr = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const socket = net.connect({ host, port });
    let done = false;
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` }), timeoutMs);
    socket.once('connect', () => finish({ result: 'success', output: '' }));
    socket.once('error', (err) => finish({ result: 'failure', output: `dial tcp ${addr}: ${err.message}` }));
  });
}
