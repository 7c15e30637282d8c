// What each resource tells the generic store: how to default, validate and
// prepare its objects. One `registry/<resource>/strategy.ts` per resource
// implements this, in the manner of upstream's rest.RESTCreateStrategy /
// RESTUpdateStrategy / RESTDeleteStrategy.
import type { ObjectMeta } from '@k8ts/api';
import type { FieldError, ValidateNameFunc } from '@k8ts/apimachinery';

/** Any Kubernetes object as it sits in memory (a ts-proto message). */
export interface KubeObject {
  metadata?: ObjectMeta | undefined;
}

/** Field values a field selector can match, e.g. { 'metadata.name': 'x', 'spec.nodeName': 'node-1' }. */
export type FieldSet = Record<string, string>;

export interface Strategy<T extends KubeObject> {
  /** Plural resource name, e.g. "pods". */
  readonly resource: string;
  /** API group, "" for core. */
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** True when the object has a spec whose changes bump metadata.generation. */
  readonly hasGeneration?: boolean;
  /** True when the resource has a status subresource (main updates keep status, status updates keep the rest). */
  readonly hasStatus?: boolean;

  /** Validates metadata.name / generateName; default: DNS-1123 subdomain (nameIsDNSSubdomain). */
  readonly validateName?: ValidateNameFunc;

  /** Fills in defaults, as upstream's SetDefaults_* do. Mutates `obj`. */
  defaults(obj: T): void;
  /** Clears what a create must not set (usually status). Mutates `obj`. */
  prepareForCreate(obj: T): void;
  /** Carries over what an update must not change (usually status; spec on status updates). Mutates `obj`. */
  prepareForUpdate(obj: T, old: T, subresource: '' | 'status'): void;
  /** Errors for a new object; the store adds ObjectMeta checks. */
  validate(obj: T): FieldError[];
  /** Errors for an update, including immutable fields; `subresource` says which part was written. */
  validateUpdate(obj: T, old: T, subresource?: '' | 'status'): FieldError[];
  /**
   * Field selector values for this object; metadata.name and metadata.namespace
   * are always added. Must return every supported key even for an empty object
   * (use ''), since the key set is what unsupported field labels are checked against.
   */
  fields?(obj: T): FieldSet;
  /**
   * Grace period for a delete, or 0 to delete at once. Only pods bound to a
   * node are deleted gracefully upstream.
   */
  gracePeriodSeconds?(obj: T, requested: number | undefined): number;
  /**
   * Finalizers outside metadata.finalizers that also hold deletion, e.g. a
   * Namespace's spec.finalizers. The object is removed once these and
   * metadata.finalizers are all gone.
   */
  pendingFinalizers?(obj: T): string[];
  /** Called when a delete marks the object terminating (e.g. Namespace phase Terminating). Mutates `obj`. */
  prepareForTerminating?(obj: T): void;
}

/** Admission runs after defaulting and before validation (mutating) or storage (validating). */
export interface AdmissionContext {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  resource: string;
  subresource: '' | 'status';
  namespace?: string;
  name?: string;
  dryRun: boolean;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** May mutate `obj`; throw a StatusError to reject. */
  admit?(ctx: AdmissionContext, obj: KubeObject, old: KubeObject | undefined): Promise<void>;
  /** Called after the write (or after a failed write) so allocations can be released. */
  committed?(ctx: AdmissionContext, obj: KubeObject | undefined, old: KubeObject | undefined, ok: boolean): Promise<void>;
}
