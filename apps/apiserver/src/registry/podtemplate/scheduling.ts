// Scheduling-related PodSpec fields: tolerations, affinity, readiness and
// scheduling gates, topology spread constraints and DNS config.
import type {
  Affinity,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinityTerm,
  PodDNSConfig,
  PodReadinessGate,
  PodSchedulingGate,
  Toleration,
  TopologySpreadConstraint,
  WeightedPodAffinityTerm,
} from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  forbidden,
  invalid,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidLabelValue,
  nameIsDNSSubdomain,
  notSupported,
  required,
  validateLabelName,
  validateLabelSelector,
  validateNamespaceName,
} from '@k8ts/apimachinery';
import { invalidEach, validateEnum } from './field-helpers';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(tolerations: readonly Toleration[] | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = fldPath.index(i);
    const key = t.key ?? '';
    const operator = t.operator ?? '';
    const value = t.value ?? '';
    const effect = t.effect ?? '';
    if (key) errs.push(...validateLabelName(key, p.child('key')));
    if (!key && operator !== 'Exists') {
      errs.push(invalid(p.child('operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') {
      errs.push(invalid(p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === '' || operator === 'Equal') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalid(p.child('operator'), value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value) errs.push(invalid(p.child('operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(p.child('operator'), operator, ['Equal', 'Exists']));
    }
    if (effect) errs.push(...validateEnum(effect, TAINT_EFFECTS, p.child('effect')));
  });
  return errs;
}

function validateNodeSelectorRequirement(rq: NodeSelectorRequirement, p: FieldPath, strictValues: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(p.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(p.child('operator'), rq.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(rq.key ?? '', p.child('key')));
  if (strictValues) values.forEach((v, i) => errs.push(...invalidEach(p.child('values').index(i), v, isValidLabelValue(v))));
  return errs;
}

/** matchFields may only select on metadata.name, with exactly one value. */
function validateNodeFieldRequirement(rq: NodeSelectorRequirement, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if ((rq.values ?? []).length !== 1) {
      errs.push(required(p.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    }
  } else {
    errs.push(invalid(p.child('operator'), rq.operator ?? '', 'not a valid selector operator'));
  }
  if (rq.key !== 'metadata.name') errs.push(invalid(p.child('key'), rq.key ?? '', 'not a valid field selector key'));
  else (rq.values ?? []).forEach((v, i) => errs.push(...invalidEach(p.child('values').index(i), v, nameIsDNSSubdomain(v, false))));
  return errs;
}

function validateNodeSelectorTerm(term: NodeSelectorTerm | undefined, p: FieldPath, strictValues: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (term?.matchExpressions ?? []).forEach((rq, j) => errs.push(...validateNodeSelectorRequirement(rq, p.child('matchExpressions').index(j), strictValues)));
  (term?.matchFields ?? []).forEach((rq, j) => errs.push(...validateNodeFieldRequirement(rq, p.child('matchFields').index(j))));
  return errs;
}

export function validateNodeSelector(ns: NodeSelector, p: FieldPath): FieldError[] {
  const termsPath = p.child('nodeSelectorTerms');
  const terms = ns.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [required(termsPath, 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, termsPath.index(i), true));
}

function validateWeight(weight: number | undefined, p: FieldPath): FieldError[] {
  const w = weight ?? 0;
  return w <= 0 || w > 100 ? [invalid(p, w, 'must be in the range 1-100')] : [];
}

function validatePodAffinityTerm(term: PodAffinityTerm | undefined, p: FieldPath): FieldError[] {
  const t = term ?? {};
  const errs = validateLabelSelector(t.labelSelector, {}, p.child('labelSelector'));
  errs.push(...validateLabelSelector(t.namespaceSelector, {}, p.child('namespaceSelector')));
  for (const ns of t.namespaces ?? []) errs.push(...invalidEach(p.child('namespace'), ns, validateNamespaceName(ns, false)));
  if (!t.topologyKey) errs.push(required(p.child('topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(t.topologyKey ?? '', p.child('topologyKey')));
  return errs;
}

function validatePodAffinityRules(
  rules: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[] },
  p: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const req = p.child('requiredDuringSchedulingIgnoredDuringExecution');
  (rules.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => errs.push(...validatePodAffinityTerm(t, req.index(i))));
  const pref = p.child('preferredDuringSchedulingIgnoredDuringExecution');
  (rules.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w, i) => {
    errs.push(...validateWeight(w.weight, pref.index(i).child('weight')));
    errs.push(...validatePodAffinityTerm(w.podAffinityTerm, pref.index(i).child('podAffinityTerm')));
  });
  return errs;
}

export function validateAffinity(affinity: Affinity | undefined, p: FieldPath): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const na = affinity.nodeAffinity;
  if (na) {
    const np = p.child('nodeAffinity');
    const requiredTerms = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (requiredTerms) errs.push(...validateNodeSelector(requiredTerms, np.child('requiredDuringSchedulingIgnoredDuringExecution')));
    const pref = np.child('preferredDuringSchedulingIgnoredDuringExecution');
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      errs.push(...validateWeight(t.weight, pref.index(i).child('weight')));
      // Preferred terms may name label values that are not valid (they only score nodes).
      errs.push(...validateNodeSelectorTerm(t.preference, pref.index(i).child('preference'), false));
    });
  }
  if (affinity.podAffinity) errs.push(...validatePodAffinityRules(affinity.podAffinity, p.child('podAffinity')));
  if (affinity.podAntiAffinity) errs.push(...validatePodAffinityRules(affinity.podAntiAffinity, p.child('podAntiAffinity')));
  return errs;
}

export function validateReadinessGates(gates: readonly PodReadinessGate[] | undefined, p: FieldPath): FieldError[] {
  return (gates ?? []).flatMap((g, i) => invalidEach(p.index(i).child('conditionType'), g.conditionType ?? '', isQualifiedName(g.conditionType ?? '')));
}

export function validateSchedulingGates(gates: readonly PodSchedulingGate[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (gates ?? []).forEach((g, i) => {
    const name = g.name ?? '';
    errs.push(...invalidEach(p.index(i), name, isQualifiedName(name)));
    if (seen.has(name)) errs.push(duplicate(p.index(i), name));
    seen.add(name);
  });
  return errs;
}

export function validateTopologySpreadConstraints(constraints: readonly TopologySpreadConstraint[] | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (constraints ?? []).forEach((c, i) => {
    const cp = p.index(i);
    const maxSkew = c.maxSkew ?? 0;
    if (maxSkew <= 0) errs.push(invalid(cp.child('maxSkew'), maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(cp.child('topologyKey'), 'can not be empty'));
    else errs.push(...validateLabelName(c.topologyKey, cp.child('topologyKey')));
    errs.push(...validateEnum(c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway'], cp.child('whenUnsatisfiable')));
    if (c.minDomains !== undefined && c.minDomains <= 0) errs.push(invalid(cp.child('minDomains'), c.minDomains, 'must be greater than zero'));
    errs.push(...validateLabelSelector(c.labelSelector, {}, cp.child('labelSelector')));
    const pair = `${c.topologyKey ?? ''}/${c.whenUnsatisfiable ?? ''}`;
    if (seen.has(pair)) errs.push(duplicate(cp, pair));
    seen.add(pair);
  });
  return errs;
}

const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_CHARS = 2048;

export function validateDNSConfig(cfg: PodDNSConfig | undefined, dnsPolicy: string | undefined, p: FieldPath): FieldError[] {
  if (dnsPolicy === 'None') {
    if (!cfg) return [required(p, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!cfg.nameservers?.length) return [required(p.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const nameservers = cfg.nameservers ?? [];
  const searches = cfg.searches ?? [];
  if (nameservers.length > MAX_NAMESERVERS) errs.push(invalid(p.child('nameservers'), nameservers, `must not have more than ${MAX_NAMESERVERS} nameservers`));
  nameservers.forEach((ns, i) => errs.push(...isValidIP(p.child('nameservers').index(i), ns)));
  if (searches.length > MAX_SEARCH_PATHS) errs.push(invalid(p.child('searches'), searches, `must not have more than ${MAX_SEARCH_PATHS} search paths`));
  if (searches.join(' ').length > MAX_SEARCH_CHARS) {
    errs.push(invalid(p.child('searches'), searches, `must not have more than ${MAX_SEARCH_CHARS} characters (including spaces) in the search list`));
  }
  searches.forEach((s, i) => {
    if (s === '.') return;
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    errs.push(...invalidEach(p.child('searches').index(i), trimmed, isDNS1123Subdomain(trimmed)));
  });
  (cfg.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(required(p.child('options').index(i), 'must not be empty'));
  });
  return errs;
}
