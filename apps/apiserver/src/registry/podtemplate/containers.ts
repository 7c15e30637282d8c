// Regular and init containers: names, image, ports, env, mounts,
// resources, probes and lifecycle hooks.
import type { Container, ContainerPort } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  forbidden,
  isDNS1123Label,
  isValidPortName,
  isValidPortNum,
  required,
} from '@k8ts/apimachinery';
import { validateEnv, validateEnvFrom } from './env';
import { invalidEach, validateEnum } from './field-helpers';
import { validateLifecycle, validateLivenessProbe, validateReadinessProbe, validateStartupProbe } from './probes';
import { validateResourceRequirements } from './resources';
import { validateVolumeMounts } from './volumes';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const INIT_ONLY = 'may not be set for init containers without restartPolicy=Always';

export function validateContainerPorts(ports: readonly ContainerPort[] | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = fldPath.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length > 0) errs.push(...invalidEach(p.child('name'), port.name, msgs));
      else if (names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
      else names.add(port.name);
    }
    const containerPort = port.containerPort ?? 0;
    if (containerPort === 0) errs.push(required(p.child('containerPort')));
    else errs.push(...invalidEach(p.child('containerPort'), containerPort, isValidPortNum(containerPort)));
    const hostPort = port.hostPort ?? 0;
    if (hostPort !== 0) errs.push(...invalidEach(p.child('hostPort'), hostPort, isValidPortNum(hostPort)));
    errs.push(...validateEnum(port.protocol, PROTOCOLS, p.child('protocol')));
  });
  return errs;
}

/** Host ports (protocol/hostIP/port) may be claimed once across `containers`. */
export function checkHostPortConflicts(containers: readonly Container[], fldPath: FieldPath, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(fldPath.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}

/** Checks that apply to every kind of container. */
function validateContainerCommon(c: Container, volumes: ReadonlySet<string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(p.child('name')));
  else errs.push(...invalidEach(p.child('name'), c.name, isDNS1123Label(c.name)));
  if (!c.image) errs.push(required(p.child('image')));
  errs.push(...validateEnum(c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES, p.child('terminationMessagePolicy')));
  errs.push(...validateContainerPorts(c.ports, p.child('ports')));
  errs.push(...validateEnv(c.env, p.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, p.child('envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, c, p.child('volumeMounts')));
  errs.push(...validateEnum(c.imagePullPolicy, PULL_POLICIES, p.child('imagePullPolicy')));
  errs.push(...validateResourceRequirements(c.resources, p.child('resources')));
  return errs;
}

function validateProbesAndHooks(c: Container, gracePeriod: number | undefined, p: FieldPath): FieldError[] {
  return [
    ...(c.lifecycle ? validateLifecycle(c.lifecycle, gracePeriod, p.child('lifecycle')) : []),
    ...validateLivenessProbe(c.livenessProbe, gracePeriod, p.child('livenessProbe')),
    ...validateReadinessProbe(c.readinessProbe, gracePeriod, p.child('readinessProbe')),
    ...validateStartupProbe(c.startupProbe, gracePeriod, p.child('startupProbe')),
  ];
}

export function validateContainers(
  containers: readonly Container[] | undefined,
  volumes: ReadonlySet<string>,
  gracePeriod: number | undefined,
  fldPath: FieldPath,
): FieldError[] {
  if (!containers?.length) return [required(fldPath)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = fldPath.index(i);
    errs.push(...validateContainerCommon(c, volumes, p));
    if (names.has(c.name ?? '')) errs.push(duplicate(p.child('name'), c.name ?? ''));
    else names.add(c.name ?? '');
    errs.push(...validateProbesAndHooks(c, gracePeriod, p));
    if (c.restartPolicy !== undefined) errs.push(forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers, fldPath));
  return errs;
}

/** Init containers share the name space of regular ones; only sidecars (restartPolicy Always) may have probes and hooks. */
export function validateInitContainers(
  initContainers: readonly Container[] | undefined,
  regular: readonly Container[] | undefined,
  volumes: ReadonlySet<string>,
  gracePeriod: number | undefined,
  fldPath: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((regular ?? []).map((c) => c.name ?? ''));
  (initContainers ?? []).forEach((c, i) => {
    const p = fldPath.index(i);
    errs.push(...validateContainerCommon(c, volumes, p));
    let sidecar = false;
    if (c.restartPolicy !== undefined) {
      errs.push(...validateEnum(c.restartPolicy, ['Always'], p.child('restartPolicy'), false));
      sidecar = c.restartPolicy === 'Always';
    }
    if (names.has(c.name ?? '')) errs.push(duplicate(p.child('name'), c.name ?? ''));
    else if (c.name) names.add(c.name);
    // Init containers run one at a time, so only conflicts within one container count.
    errs.push(...checkHostPortConflicts([c], fldPath));
    if (sidecar) {
      errs.push(...validateProbesAndHooks(c, gracePeriod, p));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[f]) errs.push(forbidden(p.child(f), INIT_ONLY));
      }
    }
  });
  return errs;
}
