import { goQuote, sortGoStrings } from '../util/go-compat';
import { FieldError, forbidden, invalid, required, withOrigin } from './field-error';
import { FieldPath } from './field-path';
import { validateAnnotations, validateLabels } from './labels';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './names';

/** Validation of ObjectMeta on create and update. */

/** Validates a name; `prefix` is true when a random suffix will be appended (generateName). */
export type ValidateNameFunc = (name: string, prefix: boolean) => string[];

export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';

// Replaces the trailing dash of a generateName prefix so that name checks
// don't reject it (dropping two bytes and appending "a", as upstream does).
function maskTrailingDash(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length > 1 && name.endsWith('-')) return bytes.subarray(0, bytes.length - 2).toString('utf8') + 'a';
  return name;
}

/** Names that must be DNS subdomains (most resources). */
export const nameIsDNSSubdomain: ValidateNameFunc = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

/** Names that must be RFC 1123 labels. */
export const nameIsDNSLabel: ValidateNameFunc = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** Names that must be RFC 1035 labels (e.g. Services). */
export const nameIsDNS1035Label: ValidateNameFunc = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** Namespace names are RFC 1123 labels. */
export const validateNamespaceName: ValidateNameFunc = nameIsDNSLabel;

/** ServiceAccount names are DNS subdomains. */
export const validateServiceAccountName: ValidateNameFunc = nameIsDNSSubdomain;

/** Structural shape of an OwnerReference. */
export interface OwnerReferenceLike {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean | null;
  blockOwnerDeletion?: boolean | null;
}

/** Structural shape of the ObjectMeta fields that are validated here. */
export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: unknown;
  deletionTimestamp?: unknown;
  deletionGracePeriodSeconds?: number | null;
  labels?: Readonly<Record<string, string>> | null;
  annotations?: Readonly<Record<string, string>> | null;
  ownerReferences?: readonly OwnerReferenceLike[] | null;
  finalizers?: readonly string[] | null;
}

/** A value that must not be negative. */
export function validateNonnegativeField(value: number, p: FieldPath): FieldError[] {
  return value < 0 ? [withOrigin(invalid(p, value, IS_NEGATIVE_ERROR_MSG), 'minimum')] : [];
}

function isNil(v: unknown): boolean {
  return v === null || v === undefined;
}

/** Deep equality where null and undefined are the same and Dates compare by time. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!semanticEqual(ao[k], bo[k])) return false;
  return true;
}

/** `newVal` must equal `oldVal`; otherwise "field is immutable". */
export function validateImmutableField(newVal: unknown, oldVal: unknown, p: FieldPath): FieldError[] {
  return semanticEqual(oldVal, newVal) ? [] : [invalid(p, isNil(newVal) ? null : newVal, FIELD_IMMUTABLE_ERROR_MSG)];
}

function parseGroupVersion(gv: string): { group: string; version: string } | undefined {
  if (gv === '' || gv === '/') return { group: '', version: '' };
  const parts = gv.split('/');
  if (parts.length === 1) return { group: '', version: gv };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return undefined;
}

function validateOwnerReference(ref: OwnerReferenceLike, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  const gv = parseGroupVersion(apiVersion);
  if (apiVersion.length === 0) {
    errs.push(required(p.child('apiVersion'), 'must not be empty'));
  } else if (!gv || gv.version.length === 0) {
    errs.push(invalid(p.child('apiVersion'), apiVersion, 'must be <group>/<version> or <version>'));
  }
  if (!ref.kind) errs.push(required(p.child('kind'), 'must not be empty'));
  if (!ref.name) errs.push(required(p.child('name'), 'must not be empty'));
  if (!ref.uid) errs.push(required(p.child('uid'), 'must not be empty'));
  const group = gv?.group ?? '';
  const version = gv?.version ?? '';
  if (group === '' && version === 'v1' && ref.kind === 'Event') {
    errs.push(invalid(p, ref, `${group}/${version}, Kind=${ref.kind} is disallowed from being an owner`));
  }
  return errs;
}

/** Each owner reference must be complete, and at most one may be the controller. */
export function validateOwnerReferences(refs: readonly OwnerReferenceLike[] | null | undefined, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  (refs ?? []).forEach((ref, i) => {
    errs.push(...validateOwnerReference(ref, p.index(i)));
    if (ref.controller) {
      const current = `${ref.kind ?? ''}/${ref.name ?? ''}`;
      if (firstController !== '') {
        errs.push(
          invalid(
            p,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  });
  return errs;
}

/** A finalizer name must be a qualified name. */
export function validateFinalizerName(name: string, p: FieldPath): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(p, name, msg));
}

/** Finalizer names must be valid and `orphan` / `foregroundDeletion` are mutually exclusive. */
export function validateFinalizers(finalizers: readonly string[] | null | undefined, p: FieldPath): FieldError[] {
  const list = finalizers ?? [];
  const errs = list.flatMap((f) => validateFinalizerName(f, p));
  if (list.includes(FINALIZER_ORPHAN_DEPENDENTS) && list.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.push(
      invalid(
        p,
        list,
        `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`,
      ),
    );
  }
  return errs;
}

/** While an object is being deleted no finalizer may be added. */
export function validateNoNewFinalizers(
  newFinalizers: readonly string[] | null | undefined,
  oldFinalizers: readonly string[] | null | undefined,
  p: FieldPath,
): FieldError[] {
  const old = new Set(oldFinalizers ?? []);
  const extra = sortGoStrings(new Set((newFinalizers ?? []).filter((f) => !old.has(f))));
  if (extra.length === 0) return [];
  const rendered = `[]string{${extra.map(goQuote).join(', ')}}`;
  return [forbidden(p, `no new finalizers can be added if the object is being deleted, found new finalizers ${rendered}`)];
}

/** The name / generateName part of ObjectMeta validation. */
export function validateObjectMetaName(meta: ObjectMetaLike, nameFn: ValidateNameFunc, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = meta.generateName ?? '';
  if (generateName.length > 0) {
    for (const msg of nameFn(generateName, true)) errs.push(invalid(p.child('generateName'), generateName, msg));
  }
  const name = meta.name ?? '';
  if (name.length === 0) {
    errs.push(required(p.child('name'), 'name or generateName is required'));
  } else {
    for (const msg of nameFn(name, false)) errs.push(invalid(p.child('name'), name, msg));
  }
  return errs;
}

/**
 * Validate metadata of an object being created (after name generation).
 * `requiresNamespace` is true for namespaced resources.
 */
export function validateObjectMeta(
  meta: ObjectMetaLike,
  requiresNamespace: boolean,
  nameFn: ValidateNameFunc,
  p: FieldPath,
): FieldError[] {
  const errs = validateObjectMetaName(meta, nameFn, p);
  const namespace = meta.namespace ?? '';
  if (requiresNamespace) {
    if (namespace.length === 0) {
      errs.push(required(p.child('namespace'), ''));
    } else {
      for (const msg of validateNamespaceName(namespace, false)) errs.push(invalid(p.child('namespace'), namespace, msg));
    }
  } else if (namespace.length !== 0) {
    errs.push(forbidden(p.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(meta.generation ?? 0, p.child('generation')));
  errs.push(...validateLabels(meta.labels, p.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, p.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, p.child('finalizers')));
  return errs;
}

/** Validate metadata on update: identity fields are immutable and a resourceVersion is required. */
export function validateObjectMetaUpdate(newMeta: ObjectMetaLike, oldMeta: ObjectMetaLike, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isNil(oldMeta.deletionTimestamp)) {
    errs.push(...validateNoNewFinalizers(newMeta.finalizers, oldMeta.finalizers, p.child('finalizers')));
  }
  const rv = newMeta.resourceVersion ?? '';
  if (rv.length === 0) errs.push(invalid(p.child('resourceVersion'), rv, 'must be specified for an update'));
  const newGen = newMeta.generation ?? 0;
  errs.push(...validateNonnegativeField(newGen, p.child('generation')));
  if (newGen < (oldMeta.generation ?? 0)) errs.push(invalid(p.child('generation'), newGen, 'must not be decremented'));
  errs.push(...validateImmutableField(newMeta.name ?? '', oldMeta.name ?? '', p.child('name')));
  errs.push(...validateImmutableField(newMeta.namespace ?? '', oldMeta.namespace ?? '', p.child('namespace')));
  errs.push(...validateImmutableField(newMeta.uid ?? '', oldMeta.uid ?? '', p.child('uid')));
  errs.push(...validateImmutableField(newMeta.creationTimestamp, oldMeta.creationTimestamp, p.child('creationTimestamp')));
  errs.push(...validateImmutableField(newMeta.deletionTimestamp, oldMeta.deletionTimestamp, p.child('deletionTimestamp')));
  errs.push(
    ...validateImmutableField(
      newMeta.deletionGracePeriodSeconds,
      oldMeta.deletionGracePeriodSeconds,
      p.child('deletionGracePeriodSeconds'),
    ),
  );
  errs.push(...validateLabels(newMeta.labels, p.child('labels')));
  errs.push(...validateAnnotations(newMeta.annotations, p.child('annotations')));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, p.child('ownerReferences')));
  return errs;
}
