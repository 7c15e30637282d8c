// Container environment: env, envFrom, and the downward-API field
// selectors they (and downwardAPI volumes) use.
import type { EnvFromSource, EnvVar, EnvVarSource, ObjectFieldSelector, ResourceFieldSelector } from '@k8ts/api';
import {
  type FieldError,
  type FieldPath,
  invalid,
  isConfigMapKey,
  isQualifiedName,
  isRelaxedEnvVarName,
  nameIsDNSSubdomain,
  notSupported,
  required,
} from '@k8ts/apimachinery';
import { invalidEach } from './field-helpers';

/** Pod fields an env var may read through fieldRef. */
export const ENV_FIELD_PATHS: readonly string[] = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
].sort();

/** Pod fields a downwardAPI volume file may hold. */
export const VOLUME_FIELD_PATHS: readonly string[] = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
].sort();

// Every pod field label the v1 downward API understands at all.
const KNOWN_POD_FIELD_LABELS = new Set([...ENV_FIELD_PATHS, ...VOLUME_FIELD_PATHS]);

const CONTAINER_RESOURCE_FIELDS: readonly string[] = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** `metadata.labels['key']` → ['metadata.labels', 'key']. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  const m = /^([^[]+)\['(.*)'\]$/.exec(fieldPath);
  return m ? [m[1], m[2]] : undefined;
}

export function validateObjectFieldSelector(fs: ObjectFieldSelector, allowed: readonly string[], p: FieldPath): FieldError[] {
  if (!fs.apiVersion) return [required(p.child('apiVersion'))];
  if (!fs.fieldPath) return [required(p.child('fieldPath'))];
  const fieldPath = fs.fieldPath;
  const sub = splitSubscript(fieldPath);
  const base = sub ? sub[0] : fieldPath;
  let conversionError = '';
  if (fs.apiVersion !== 'v1') conversionError = `unsupported pod version: ${fs.apiVersion}`;
  else if (!KNOWN_POD_FIELD_LABELS.has(base)) conversionError = `field label not supported: ${fieldPath}`;
  if (conversionError) return [invalid(p.child('fieldPath'), fieldPath, `error converting fieldPath: ${conversionError}`)];
  if (sub) {
    if (base === 'metadata.annotations') return invalidEach(p, sub[1].toLowerCase(), isQualifiedName(sub[1].toLowerCase()));
    if (base === 'metadata.labels') return invalidEach(p, sub[1], isQualifiedName(sub[1]));
    return [invalid(p, base, 'does not support subscript')];
  }
  return allowed.includes(fieldPath) ? [] : [notSupported(p.child('fieldPath'), fieldPath, allowed)];
}

export function validateResourceFieldSelector(fs: ResourceFieldSelector, p: FieldPath, requireContainerName: boolean): FieldError[] {
  if (requireContainerName && !fs.containerName) return [required(p.child('containerName'))];
  const resource = fs.resource ?? '';
  if (!resource) return [required(p.child('resource'))];
  const hugePages = resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-');
  if (!CONTAINER_RESOURCE_FIELDS.includes(resource) && !hugePages) {
    return [notSupported(p.child('resource'), resource, CONTAINER_RESOURCE_FIELDS)];
  }
  return [];
}

function validateKeyRef(name: string | undefined, key: string | undefined, p: FieldPath): FieldError[] {
  const errs = invalidEach(p.child('name'), name ?? '', nameIsDNSSubdomain(name ?? '', false));
  if (!key) errs.push(required(p.child('key')));
  else errs.push(...invalidEach(p.child('key'), key, isConfigMapKey(key)));
  return errs;
}

function validateValueFrom(ev: EnvVar, src: EnvVarSource, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let sources = 0;
  if (src.fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(src.fieldRef, ENV_FIELD_PATHS, p.child('fieldRef')));
  }
  if (src.resourceFieldRef) {
    sources++;
    errs.push(...validateResourceFieldSelector(src.resourceFieldRef, p.child('resourceFieldRef'), false));
  }
  if (src.configMapKeyRef) {
    sources++;
    const r = src.configMapKeyRef;
    errs.push(...validateKeyRef(r.localObjectReference?.name, r.key, p.child('configMapKeyRef')));
  }
  if (src.secretKeyRef) {
    sources++;
    const r = src.secretKeyRef;
    errs.push(...validateKeyRef(r.localObjectReference?.name, r.key, p.child('secretKeyRef')));
  }
  if (sources === 0) {
    errs.push(invalid(p, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (ev.value) {
    errs.push(invalid(p, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

/** Env var names follow the relaxed rule (printable ASCII except '='), as upstream now does by default. */
export function validateEnv(vars: readonly EnvVar[] | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = fldPath.index(i);
    if (!ev.name) errs.push(required(p.child('name')));
    else errs.push(...invalidEach(p.child('name'), ev.name, isRelaxedEnvVarName(ev.name)));
    if (ev.valueFrom) errs.push(...validateValueFrom(ev, ev.valueFrom, p.child('valueFrom')));
  });
  return errs;
}

export function validateEnvFrom(sources: readonly EnvFromSource[] | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((src, i) => {
    const p = fldPath.index(i);
    if (src.prefix) errs.push(...invalidEach(p.child('prefix'), src.prefix, isRelaxedEnvVarName(src.prefix)));
    const refs: [string, string | undefined][] = [];
    if (src.configMapRef) refs.push(['configMapRef', src.configMapRef.localObjectReference?.name]);
    if (src.secretRef) refs.push(['secretRef', src.secretRef.localObjectReference?.name]);
    for (const [field, name] of refs) {
      if (!name) errs.push(required(p.child(field, 'name')));
      else errs.push(...invalidEach(p.child(field, 'name'), name, nameIsDNSSubdomain(name, true)));
    }
    if (refs.length === 0) errs.push(invalid(fldPath, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (refs.length > 1) errs.push(invalid(fldPath, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}
