// Probes and lifecycle hooks: exactly one handler each, valid ports and
// paths, non-negative timings.
import {
  type ExecAction,
  type GRPCAction,
  type HTTPGetAction,
  type IntOrString,
  type Lifecycle,
  type Probe,
  type SleepAction,
  type TCPSocketAction,
  intOrStringValue,
} from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  forbidden,
  invalid,
  isHTTPHeaderName,
  isValidPortName,
  isValidPortNum,
  notSupported,
  required,
  validateNonnegativeField,
} from '@k8ts/apimachinery';
import { invalidEach } from './field-helpers';

const HTTP_SCHEMES = ['HTTP', 'HTTPS'];

interface AnyHandler {
  exec?: ExecAction | undefined;
  httpGet?: HTTPGetAction | undefined;
  tcpSocket?: TCPSocketAction | undefined;
  grpc?: GRPCAction | undefined;
  sleep?: SleepAction | undefined;
}

/** A port given as a number (1-65535) or as a container port name. */
export function validatePortNumOrName(port: IntOrString | undefined, p: FieldPath): FieldError[] {
  const v = intOrStringValue(port) ?? 0;
  return typeof v === 'number' ? invalidEach(p, v, isValidPortNum(v)) : invalidEach(p, v, isValidPortName(v));
}

function validateHTTPGet(h: HTTPGetAction, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!h.path) errs.push(required(p.child('path')));
  errs.push(...validatePortNumOrName(h.port, p.child('port')));
  const scheme = h.scheme ?? '';
  if (!HTTP_SCHEMES.includes(scheme)) errs.push(notSupported(p.child('scheme'), scheme, HTTP_SCHEMES));
  for (const header of h.httpHeaders ?? []) {
    errs.push(...invalidEach(p.child('httpHeaders'), header.name ?? '', isHTTPHeaderName(header.name ?? '')));
  }
  return errs;
}

function validateSleep(s: SleepAction, gracePeriod: number | undefined, p: FieldPath): FieldError[] {
  const seconds = s.seconds ?? 0;
  if (gracePeriod === undefined || (seconds >= 0 && seconds <= gracePeriod)) return [];
  return [invalid(p, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)];
}

/** The handler kinds that are set, in upstream's order, each with its own checks. */
function setHandlers(h: AnyHandler, gracePeriod: number | undefined): [string, (p: FieldPath) => FieldError[]][] {
  const found: [string, (p: FieldPath) => FieldError[]][] = [];
  const { exec, httpGet, tcpSocket, grpc, sleep } = h;
  if (exec) found.push(['exec', (p) => (exec.command?.length ? [] : [required(p.child('command'))])]);
  if (httpGet) found.push(['httpGet', (p) => validateHTTPGet(httpGet, p)]);
  if (tcpSocket) found.push(['tcpSocket', (p) => validatePortNumOrName(tcpSocket.port, p.child('port'))]);
  if (grpc) found.push(['grpc', (p) => invalidEach(p.child('port'), grpc.port ?? 0, isValidPortNum(grpc.port ?? 0))]);
  if (sleep) found.push(['sleep', (p) => validateSleep(sleep, gracePeriod, p)]);
  return found;
}

/** Exactly one handler kind must be set; the first one is validated, the others are Forbidden. */
function validateHandler(h: AnyHandler, gracePeriod: number | undefined, p: FieldPath): FieldError[] {
  const handlers = setHandlers(h, gracePeriod);
  if (handlers.length === 0) return [required(p, 'must specify a handler type')];
  const [[firstKind, check], ...rest] = handlers;
  return [...check(p.child(firstKind)), ...rest.map(([kind]) => forbidden(p.child(kind), 'may not specify more than 1 handler type'))];
}

/** Checks shared by every probe kind. Handler fields sit inline under the probe path. */
export function validateProbe(probe: Probe, gracePeriod: number | undefined, p: FieldPath): FieldError[] {
  const h = probe.handler ?? {};
  const errs = validateHandler({ exec: h.exec, httpGet: h.httpGet, tcpSocket: h.tcpSocket, grpc: h.grpc }, gracePeriod, p);
  const numbers = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const;
  for (const f of numbers) errs.push(...validateNonnegativeField(probe[f] ?? 0, p.child(f)));
  // Thresholds and periods are defaulted from 0; a stored 0 means defaulting was skipped.
  for (const f of ['timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    if ((probe[f] ?? 0) === 0) errs.push(invalid(p.child(f), 0, 'must be greater than or equal to 1'));
  }
  const grace = probe.terminationGracePeriodSeconds;
  if (grace !== undefined && grace <= 0) errs.push(invalid(p.child('terminationGracePeriodSeconds'), grace, 'must be greater than 0'));
  return errs;
}

export function validateLivenessProbe(probe: Probe | undefined, gracePeriod: number | undefined, p: FieldPath): FieldError[] {
  if (!probe) return [];
  const errs = validateProbe(probe, gracePeriod, p);
  if (probe.successThreshold !== 1) errs.push(invalid(p.child('successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
  return errs;
}

/** Startup probes have the same extra rule as liveness probes. */
export const validateStartupProbe = validateLivenessProbe;

/** Readiness probes may require several successes but have no termination grace period. */
export function validateReadinessProbe(probe: Probe | undefined, gracePeriod: number | undefined, p: FieldPath): FieldError[] {
  if (!probe) return [];
  const errs = validateProbe(probe, gracePeriod, p);
  if (probe.terminationGracePeriodSeconds !== undefined) {
    errs.push(invalid(p.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

export function validateLifecycle(lc: Lifecycle, gracePeriod: number | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (lc.postStart) errs.push(...validateHandler(lc.postStart, gracePeriod, p.child('postStart')));
  if (lc.preStop) errs.push(...validateHandler(lc.preStop, gracePeriod, p.child('preStop')));
  return errs;
}
