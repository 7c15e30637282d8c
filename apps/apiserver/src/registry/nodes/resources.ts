// Node capacity/allocatable checks (upstream ValidateNodeResources and
// ValidateResourceQuantityValue): every value is a parseable, non-negative
// quantity, and counted resources (pods, extended resources) are whole.
import { type FieldError, type FieldPath, QuantityParseError, invalid, isQualifiedName, parseQuantity } from '@k8ts/apimachinery';

type ResourceList = { [name: string]: string | undefined } | undefined;

/** Resources that only come in whole units. */
const INTEGER_RESOURCES = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

/** cpu, memory, kubernetes.io/... are native; other domain-prefixed names are extended resources. */
function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.includes('kubernetes.io/')) return false;
  if (name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

export function isIntegerResourceName(name: string): boolean {
  return INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);
}

export function validateResourceList(list: ResourceList, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(list ?? {})) {
    // Upstream renders these paths as children (status.capacity.cpu), not keys.
    const rp = p.child(name);
    const text = value ?? '';
    let q;
    try {
      q = parseQuantity(text);
    } catch (err) {
      if (!(err instanceof QuantityParseError)) throw err;
      errs.push(invalid(rp, text, err.message));
      continue;
    }
    if (q.sign() < 0) errs.push(invalid(rp, q.toString(), 'must be greater than or equal to 0'));
    if (isIntegerResourceName(name) && q.milliValueBigInt() % 1000n !== 0n) errs.push(invalid(rp, q.toString(), 'must be an integer'));
  }
  return errs;
}
