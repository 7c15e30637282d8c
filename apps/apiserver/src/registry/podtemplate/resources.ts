// Container resource requirements: names, quantities, and requests against
// limits (upstream ValidateContainerResourceRequirements).
import type { ResourceRequirements } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  IS_NEGATIVE_ERROR_MSG,
  type Quantity,
  QuantityParseError,
  forbidden,
  invalid,
  isQualifiedName,
  parseQuantity,
  required,
} from '@k8ts/apimachinery';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
/** The resources that decide a pod's QoS class. */
export const QOS_RESOURCES: ReadonlySet<string> = new Set(['cpu', 'memory']);

export function isHugePageResource(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Unprefixed names and names in the kubernetes.io domain are native. */
export function isNativeResource(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash < 0) return true;
  const domain = name.slice(0, slash);
  return domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io');
}

/** Extended resources (vendor.com/gpu) are fully qualified and not native. */
export function isExtendedResource(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** Requests may be below limits only for native, non-hugepage resources. */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResource(name);
}

function validateResourceName(name: string, p: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(p, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResource(name)) {
      return [invalid(p, name, 'must be a standard resource for containers')];
    }
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    return [invalid(p, name, "doesn't follow extended resource name standard")];
  }
  return [];
}

/** Parses a quantity string, or returns the parse error as a field error. */
export function parseQuantityAt(value: string | undefined, p: FieldPath): { q?: Quantity; errs: FieldError[] } {
  try {
    return { q: parseQuantity(value ?? ''), errs: [] };
  } catch (e) {
    const msg = e instanceof QuantityParseError ? e.message : String(e);
    return { errs: [invalid(p, value ?? '', msg)] };
  }
}

function validateQuantity(name: string, value: string | undefined, p: FieldPath): { q?: Quantity; errs: FieldError[] } {
  const parsed = parseQuantityAt(value, p);
  const q = parsed.q;
  if (!q) return parsed;
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(invalid(p, q.toString(), IS_NEGATIVE_ERROR_MSG));
  // Extended resources are counted in whole units.
  if (!isNativeResource(name) && q.milliValueBigInt() % 1000n !== 0n) errs.push(invalid(p, q.toString(), 'must be an integer'));
  return { q, errs };
}

/** Validates `requirements`; errors are reported under `fldPath` (`...resources`). */
export function validateResourceRequirements(requirements: ResourceRequirements | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = fldPath.child('limits');
  const reqPath = fldPath.child('requests');
  const limits = new Map<string, Quantity>();
  let limitsCpuOrMemory = false;
  let requestsCpuOrMemory = false;
  let hugePages = false;
  for (const [name, value] of Object.entries(requirements?.limits ?? {})) {
    const p = limPath.key(name);
    errs.push(...validateResourceName(name, p));
    const { q, errs: qErrs } = validateQuantity(name, value, p);
    errs.push(...qErrs);
    if (q) limits.set(name, q);
    if (QOS_RESOURCES.has(name)) limitsCpuOrMemory = true;
    if (isHugePageResource(name)) hugePages = true;
  }
  for (const [name, value] of Object.entries(requirements?.requests ?? {})) {
    const p = reqPath.key(name);
    errs.push(...validateResourceName(name, p));
    const { q, errs: qErrs } = validateQuantity(name, value, p);
    errs.push(...qErrs);
    if (QOS_RESOURCES.has(name)) requestsCpuOrMemory = true;
    if (isHugePageResource(name)) hugePages = true;
    const limit = limits.get(name);
    if (!q) continue;
    if (limit) {
      if (!isOvercommitAllowed(name) && q.cmp(limit) !== 0) {
        errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (q.cmp(limit) > 0) {
        errs.push(invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`));
      }
    } else if (!isOvercommitAllowed(name) && !(requirements?.limits ?? {})[name]) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  if (hugePages && !limitsCpuOrMemory && !requestsCpuOrMemory) errs.push(forbidden(fldPath, 'HugePages require cpu or memory'));
  return errs;
}
