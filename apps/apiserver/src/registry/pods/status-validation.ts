// Validation of pod status writes (pods/status).
import type { ContainerStatus, Pod } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  forbidden,
  invalid,
  isQualifiedName,
  isValidIPForLegacyField,
  nameIsDNSSubdomain,
  path,
  validateImmutableField,
} from '@k8ts/apimachinery';
import { invalidEach, validateEnum } from '../podtemplate/field-helpers';
import { CONDITION_STATUSES, POD_PHASES, SYSTEM_POD_CONDITIONS } from './status';

/** Containers that should not restart may not leave the terminated state. */
function validateStateTransitions(
  next: readonly ContainerStatus[] | undefined,
  prev: readonly ContainerStatus[] | undefined,
  restartPolicy: string | undefined,
  p: FieldPath,
  restartable: ReadonlySet<string> = new Set(),
): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  (prev ?? []).forEach((old, i) => {
    const terminated = old.state?.terminated;
    if (!terminated || restartable.has(old.name ?? '')) return;
    if ((terminated.exitCode ?? 0) !== 0 && restartPolicy === 'OnFailure') return;
    for (const cur of next ?? []) {
      if (cur.name === old.name && !cur.state?.terminated) {
        errs.push(forbidden(p.index(i).child('state'), 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

function validateIPList(
  primary: string | undefined,
  list: readonly { ip?: string | undefined }[] | undefined,
  field: 'podIP' | 'hostIP',
  p: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (primary) errs.push(...isValidIPForLegacyField(p.child(field), primary, true));
  const listPath = p.child(`${field}s`);
  const ips = (list ?? []).map((e) => e.ip ?? '');
  ips.forEach((ip, i) => errs.push(...isValidIPForLegacyField(listPath.index(i).child('ip'), ip, true)));
  const seen = new Set<string>();
  ips.forEach((ip, i) => {
    if (seen.has(ip)) errs.push(duplicate(listPath.index(i), { ip }));
    seen.add(ip);
  });
  const families = new Set(ips.map((ip) => (ip.includes(':') ? 6 : 4)));
  if (ips.length > 2 || (ips.length === 2 && families.size !== 2)) {
    errs.push(invalid(listPath, list, 'may specify no more than one IP for each IP family'));
  }
  // Only hostIPs[0] is checked against hostIP; for pods the v1 podIP field wins on conversion.
  if (field === 'hostIP' && ips.length > 0 && ips[0] !== (primary ?? '')) errs.push(invalid(listPath.index(0).child('ip'), ips[0], `must be equal to \`${field}\``));
  return errs;
}

/** A status update; the strategy has already put back the old spec and metadata. */
export function validatePodStatusUpdate(pod: Pod, old: Pod): FieldError[] {
  const sp = path('status');
  const status = pod.status ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateEnum(status.phase, POD_PHASES, sp.child('phase'), true));
  (status.conditions ?? []).forEach((c, i) => {
    const cp = sp.child('conditions').index(i);
    const type = c.type ?? '';
    if (!SYSTEM_POD_CONDITIONS.has(type)) errs.push(...invalidEach(cp.child('type'), type, isQualifiedName(type)));
    errs.push(...validateEnum(c.status, CONDITION_STATUSES, cp.child('status')));
  });
  const nominated = status.nominatedNodeName ?? '';
  if (nominated && nominated !== (old.status?.nominatedNodeName ?? '')) {
    errs.push(...invalidEach(sp.child('nominatedNodeName'), nominated, nameIsDNSSubdomain(nominated, false)));
  }
  errs.push(...validateImmutableField(status.qosClass ?? '', old.status?.qosClass ?? '', sp.child('qosClass')));
  const restartPolicy = old.spec?.restartPolicy;
  errs.push(...validateStateTransitions(status.containerStatuses, old.status?.containerStatuses, restartPolicy, sp.child('containerStatuses')));
  const sidecars = new Set((old.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name ?? ''));
  errs.push(
    ...validateStateTransitions(status.initContainerStatuses, old.status?.initContainerStatuses, restartPolicy, sp.child('initContainerStatuses'), sidecars),
  );
  errs.push(...validateIPList(status.podIP, status.podIPs, 'podIP', sp));
  errs.push(...validateIPList(status.hostIP, status.hostIPs, 'hostIP', sp));
  return errs;
}
