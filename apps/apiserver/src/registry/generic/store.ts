// The generic registry store: Kubernetes object semantics for any resource,
// on top of RawStorage, driven by the resource's Strategy. It owns
// uid/creationTimestamp/generation/resourceVersion, generateName, graceful
// deletion, finalizers, no-op update elision and preconditions; resources
// supply defaulting and validation.
import { randomUUID } from 'node:crypto';
import type { DeleteOptions, ObjectMeta } from '@k8ts/api';
import {
  type FieldError,
  generateNameSuffix,
  nameIsDNSSubdomain,
  path,
  validateObjectMeta,
  validateObjectMetaUpdate,
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newInvalid,
  newNotFound,
  newResourceExpired,
  newGenerateNameConflict,
  newServiceUnavailable,
  StatusError,
} from '@k8ts/apimachinery';
import { ConflictError, ExpiredError, KeyExistsError, KeyNotFoundError, StorageUnavailableError } from '../../storage/errors';
import type { EventType, RawStorage, StorageKey, TraceCarrier, WriteOptions } from '../../storage/interface';
import { storageWrite } from '../../tracing/storage-span';
import { type ListOptions, type ListResult, listObjects } from './list';
import type { AdmissionContext, AdmissionPlugin, KubeObject, Strategy } from './strategy';
import { type WatchOptions, type ObjectWatch, watchObjects } from './watch';

export interface ObjectCodec<T> {
  encode(obj: T): Uint8Array;
  decode(data: Uint8Array): T;
}

export interface WriteContext {
  dryRun?: boolean;
  trace?: TraceCarrier;
}

export interface Clock {
  now(): Date;
}

const GENERATE_NAME_ATTEMPTS = 8;
const UPDATE_ATTEMPTS = 16;

export class Store<T extends KubeObject> {
  constructor(
    readonly strategy: Strategy<T>,
    private readonly storage: RawStorage,
    private readonly codec: ObjectCodec<T>,
    private readonly admission: AdmissionPlugin[] = [],
    private readonly clock: Clock = { now: () => new Date() },
  ) {}

  get resource(): string {
    return this.strategy.resource;
  }

  private get groupResource() {
    return { group: this.strategy.group, resource: this.strategy.resource };
  }

  key(namespace: string | undefined, name: string): StorageKey {
    return this.strategy.namespaced ? { resource: this.resource, namespace, name } : { resource: this.resource, name };
  }

  decode(data: Uint8Array, revision: number): T {
    const obj = this.codec.decode(data);
    obj.metadata = { ...obj.metadata, resourceVersion: String(revision) };
    return obj;
  }

  private encoderFor(obj: T) {
    return (revision: number) => {
      obj.metadata = { ...obj.metadata, resourceVersion: String(revision) };
      return this.codec.encode(obj);
    };
  }

  async get(namespace: string | undefined, name: string): Promise<T> {
    const entry = await this.wrap(() => this.storage.get(this.key(namespace, name)));
    if (!entry) throw newNotFound(this.groupResource, name);
    return this.decode(entry.value, entry.revision);
  }

  async create(namespace: string | undefined, input: T, ctx: WriteContext = {}): Promise<T> {
    const given: ObjectMeta = input.metadata ?? {};
    if (!given.name && !given.generateName) {
      throw newInvalid({ group: this.strategy.group, kind: this.strategy.kind }, '', [
        { type: 'FieldValueRequired', field: 'metadata.name', badValue: '', detail: 'name or generateName is required' } as FieldError,
      ]);
    }
    const generated = !given.name;
    for (let attempt = 0; ; attempt++) {
      const obj = this.prepareCreate(namespace, input, generated);
      const name = obj.metadata?.name ?? '';
      const admissionCtx = this.admissionContext('CREATE', '', namespace, name, ctx);
      this.validateCreate(obj);
      await this.runAdmission(admissionCtx, obj, undefined);
      if (ctx.dryRun) {
        await this.runCommitted(admissionCtx, obj, undefined, false);
        return obj;
      }
      try {
        await this.tracedWrite('ADDED', namespace, name, ctx, (key, opts) => this.storage.create(key, this.encoderFor(obj), opts));
        await this.runCommitted(admissionCtx, obj, undefined, true);
        return obj;
      } catch (err) {
        await this.runCommitted(admissionCtx, obj, undefined, false);
        if (!(err instanceof StatusError && err.status.reason === 'AlreadyExists') || !generated) throw err;
        if (attempt + 1 >= GENERATE_NAME_ATTEMPTS) throw newGenerateNameConflict(this.groupResource, name, 1);
      }
    }
  }

  /** A fresh copy of `input` as it will be stored: named, defaulted, prepared, stamped. */
  private prepareCreate(namespace: string | undefined, input: T, generateName: boolean): T {
    const obj = structuredClone(input);
    const meta: ObjectMeta = (obj.metadata = { ...obj.metadata });
    this.checkNamespace(namespace, meta);
    if (generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`;
    // Upstream defaults on decode, before the create strategy runs.
    this.strategy.defaults(obj);
    this.strategy.prepareForCreate(obj);
    obj.metadata = {
      ...obj.metadata,
      uid: randomUUID(),
      creationTimestamp: this.timestamp(),
      resourceVersion: undefined,
      deletionTimestamp: undefined,
      deletionGracePeriodSeconds: undefined,
      generation: this.strategy.hasGeneration ? 1 : undefined,
      selfLink: undefined,
    };
    return obj;
  }

  /**
   * Reads the current object, applies `tryUpdate`, and writes the result with
   * compare-and-set, retrying on conflict. tryUpdate must not mutate its input.
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: T) => T | Promise<T>,
    ctx: WriteContext & { subresource?: '' | 'status'; operation?: 'UPDATE' } = {},
  ): Promise<T> {
    const subresource = ctx.subresource ?? '';
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      const updated = structuredClone(await tryUpdate(structuredClone(current)));
      try {
        return await this.writeUpdate(namespace, name, updated, current, subresource, ctx);
      } catch (err) {
        if (err instanceof StatusError && err.status.reason === 'Conflict' && attempt + 1 < UPDATE_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  /**
   * An update as a client sends it: the object's resourceVersion must match
   * the stored one (Conflict otherwise); an empty one means "whatever is current".
   */
  async update(namespace: string | undefined, input: T, ctx: WriteContext & { subresource?: '' | 'status' } = {}): Promise<T> {
    const name = input.metadata?.name;
    if (!name) throw newBadRequest('the name of the object must be set');
    this.checkNamespace(namespace, input.metadata ?? {});
    const wanted = input.metadata?.resourceVersion;
    const subresource = ctx.subresource ?? '';
    const current = await this.get(namespace, name);
    if (wanted && wanted !== current.metadata?.resourceVersion) throw this.conflict(name);
    const updated = structuredClone(input);
    if (!wanted) updated.metadata = { ...updated.metadata, resourceVersion: current.metadata?.resourceVersion };
    return this.writeUpdate(namespace, name, updated, current, subresource, ctx);
  }

  private async writeUpdate(
    namespace: string | undefined,
    name: string,
    obj: T,
    old: T,
    subresource: '' | 'status',
    ctx: WriteContext,
  ): Promise<T> {
    const oldMeta = old.metadata ?? {};
    const meta: ObjectMeta = (obj.metadata = { ...obj.metadata });
    // Fields a client never changes.
    Object.assign(meta, {
      name: oldMeta.name,
      namespace: oldMeta.namespace,
      uid: oldMeta.uid,
      creationTimestamp: oldMeta.creationTimestamp,
      deletionTimestamp: oldMeta.deletionTimestamp,
      deletionGracePeriodSeconds: oldMeta.deletionGracePeriodSeconds,
      generation: oldMeta.generation,
      resourceVersion: oldMeta.resourceVersion,
      generateName: meta.generateName ?? oldMeta.generateName,
    });
    if (subresource === 'status') {
      // A status write changes status only (upstream also keeps labels etc.).
      obj.metadata = { ...oldMeta };
    }
    this.strategy.prepareForUpdate(obj, old, subresource);
    this.strategy.defaults(obj);
    const newMeta: ObjectMeta = (obj.metadata = { ...obj.metadata });
    if (this.strategy.hasGeneration && subresource === '' && specChanged(obj, old)) {
      newMeta.generation = (oldMeta.generation ?? 0) + 1;
    }
    const admissionCtx = this.admissionContext('UPDATE', subresource, namespace, name, ctx);
    const errs = [...validateObjectMetaUpdate(newMeta, oldMeta, path('metadata')), ...this.strategy.validateUpdate(obj, old, subresource)];
    if (errs.length > 0) throw newInvalid({ group: this.strategy.group, kind: this.strategy.kind }, name, errs);
    await this.runAdmission(admissionCtx, obj, old);
    // A terminating object whose last finalizer went away is deleted now.
    if (oldMeta.deletionTimestamp && this.finalizersOf(obj).length === 0 && (oldMeta.deletionGracePeriodSeconds ?? 0) === 0) {
      if (ctx.dryRun) return obj;
      return this.remove(namespace, name, obj, Number(oldMeta.resourceVersion), ctx);
    }
    if (sameObject(obj, old)) return old;
    if (ctx.dryRun) return obj;
    try {
      await this.tracedWrite('MODIFIED', namespace, name, ctx, (key, opts) =>
        this.storage.update(key, Number(oldMeta.resourceVersion), this.encoderFor(obj), opts),
      );
    } catch (err) {
      await this.runCommitted(admissionCtx, obj, old, false);
      throw err;
    }
    await this.runCommitted(admissionCtx, obj, old, true);
    return obj;
  }

  /**
   * Deletes as upstream does: preconditions first; objects with finalizers
   * or a grace period get a deletionTimestamp and stay until those run out.
   * Returns the object as last seen (deleted, or terminating).
   */
  async delete(namespace: string | undefined, name: string, options: DeleteOptions = {}, ctx: WriteContext = {}): Promise<{ object: T; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      const meta = current.metadata ?? {};
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== meta.uid) {
        throw newConflict(this.groupResource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw newConflict(
          this.groupResource,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
        );
      }
      try {
        return await this.deleteOnce(namespace, name, current, options, ctx);
      } catch (err) {
        if (err instanceof StatusError && err.status.reason === 'Conflict' && !pre && attempt + 1 < UPDATE_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  private async deleteOnce(namespace: string | undefined, name: string, current: T, options: DeleteOptions, ctx: WriteContext) {
    const meta = current.metadata ?? {};
    const rev = Number(meta.resourceVersion);
    const admissionCtx = this.admissionContext('DELETE', '', namespace, name, ctx);
    await this.runAdmission(admissionCtx, current, current);
    const finalizers = [...(meta.finalizers ?? [])];
    const policy = options.propagationPolicy ?? (options.orphanDependents ? 'Orphan' : undefined);
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    const grace = this.strategy.gracePeriodSeconds?.(current, options.gracePeriodSeconds) ?? 0;
    const graceful = grace > 0;
    const pending = this.strategy.pendingFinalizers?.(current) ?? [];
    if (finalizers.length === 0 && pending.length === 0 && !graceful) {
      if (ctx.dryRun) return { object: current, deleted: true };
      const obj = await this.remove(namespace, name, current, rev, ctx);
      return { object: obj, deleted: true };
    }
    // Terminating: stamp deletionTimestamp (a shorter grace period may shorten it).
    const next = structuredClone(current);
    const nm: ObjectMeta = (next.metadata = { ...next.metadata, finalizers });
    const now = this.clock.now();
    if (graceful) {
      const deadline = new Date(now.getTime() + grace * 1000);
      const existing = nm.deletionTimestamp ? new Date(nm.deletionTimestamp) : undefined;
      if (!existing || deadline < existing) {
        nm.deletionTimestamp = k8sTime(deadline);
        nm.deletionGracePeriodSeconds = grace;
      }
    } else if (!nm.deletionTimestamp || (nm.deletionGracePeriodSeconds ?? 0) > 0) {
      nm.deletionTimestamp = k8sTime(now);
      nm.deletionGracePeriodSeconds = 0;
    }
    this.strategy.prepareForTerminating?.(next);
    if (sameObject(next, current)) return { object: current, deleted: false };
    if (ctx.dryRun) return { object: next, deleted: false };
    await this.tracedWrite('MODIFIED', namespace, name, ctx, (key, opts) => this.storage.update(key, rev, this.encoderFor(next), opts));
    return { object: next, deleted: false };
  }

  private async remove(namespace: string | undefined, name: string, obj: T, rev: number, ctx: WriteContext): Promise<T> {
    const final = structuredClone(obj);
    await this.tracedWrite('DELETED', namespace, name, ctx, (key, opts) => this.storage.delete(key, rev, this.encoderFor(final), opts));
    const admissionCtx = this.admissionContext('DELETE', '', namespace, name, ctx);
    await this.runCommitted(admissionCtx, undefined, final, true);
    return final;
  }

  async list(namespace: string | undefined, opts: ListOptions = {}): Promise<ListResult<T>> {
    return listObjects(this, this.storage, namespace, opts);
  }

  async watch(namespace: string | undefined, opts: WatchOptions = {}): Promise<ObjectWatch<T>> {
    return watchObjects(this, this.storage, namespace, opts);
  }

  private finalizersOf(obj: T): string[] {
    return [...(obj.metadata?.finalizers ?? []), ...(this.strategy.pendingFinalizers?.(obj) ?? [])];
  }

  fieldsOf(obj: T): Record<string, string> {
    return {
      ...(this.strategy.fields?.(obj) ?? {}),
      'metadata.name': obj.metadata?.name ?? '',
      ...(this.strategy.namespaced ? { 'metadata.namespace': obj.metadata?.namespace ?? '' } : {}),
    };
  }

  private validateCreate(obj: T): void {
    const nameFn = this.strategy.validateName ?? nameIsDNSSubdomain;
    const errs = [...validateObjectMeta(obj.metadata ?? {}, this.strategy.namespaced, nameFn, path('metadata')), ...this.strategy.validate(obj)];
    if (errs.length > 0) throw newInvalid({ group: this.strategy.group, kind: this.strategy.kind }, obj.metadata?.name ?? '', errs);
  }

  private checkNamespace(namespace: string | undefined, meta: ObjectMeta): void {
    if (!this.strategy.namespaced) {
      meta.namespace = undefined;
      return;
    }
    if (!namespace) throw newBadRequest('the namespace of the provided object is missing');
    if (meta.namespace && meta.namespace !== namespace) {
      throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = namespace;
  }

  private admissionContext(operation: AdmissionContext['operation'], subresource: '' | 'status', namespace: string | undefined, name: string | undefined, ctx: WriteContext): AdmissionContext {
    return { operation, resource: this.resource, subresource, namespace, name, dryRun: !!ctx.dryRun };
  }

  private async runAdmission(ctx: AdmissionContext, obj: KubeObject, old: KubeObject | undefined): Promise<void> {
    for (const plugin of this.admission) await plugin.admit?.(ctx, obj, old);
  }

  private async runCommitted(ctx: AdmissionContext, obj: KubeObject | undefined, old: KubeObject | undefined, ok: boolean): Promise<void> {
    for (const plugin of this.admission) await plugin.committed?.(ctx, obj, old, ok);
  }

  private conflict(name: string): StatusError {
    return newConflict(this.groupResource, name, 'the object has been modified; please apply your changes to the latest version and try again');
  }

  private timestamp(): string {
    return k8sTime(this.clock.now());
  }

  /**
   * One storage write, in an `apiserver storage write` span whose W3C context
   * is stored with the change (so event consumers continue this trace).
   */
  private tracedWrite(
    type: EventType,
    namespace: string | undefined,
    name: string,
    ctx: WriteContext,
    write: (key: StorageKey, opts: WriteOptions) => Promise<number>,
  ): Promise<number> {
    const key = this.key(namespace, name);
    return this.wrap(() => storageWrite({ type, key, group: this.strategy.group, trace: ctx.trace }, (opts) => write(key, opts)));
  }

  /** Maps storage errors to Kubernetes Status errors. */
  async wrap<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      throw this.toStatusError(err);
    }
  }

  toStatusError(err: unknown): unknown {
    if (err instanceof StatusError) return err;
    if (err instanceof KeyExistsError) return newAlreadyExists(this.groupResource, err.key.name);
    if (err instanceof KeyNotFoundError) return newNotFound(this.groupResource, err.key.name);
    if (err instanceof ConflictError) return this.conflict(err.key.name);
    if (err instanceof ExpiredError) return newResourceExpired(`too old resource version: ${err.requested} (${err.oldest})`);
    if (err instanceof StorageUnavailableError) return newServiceUnavailable(err.message);
    return err;
  }
}

/** RFC 3339 with second precision, as Kubernetes writes metav1.Time. */
export function k8sTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function withoutVolatile(obj: KubeObject): unknown {
  const copy = { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined, managedFields: undefined } } as Record<string, unknown>;
  return JSON.parse(JSON.stringify(copy));
}

/**
 * managedFields without their timestamps: an update that only moves field
 * ownership (a second manager applying the same values, kubectl handing
 * client-side apply over to server-side apply) is a real change, while a
 * re-apply that only refreshes `time` is not (as upstream). Compared verbatim:
 * canonical() would drop FieldsV1's empty leaf objects.
 */
function managedFieldsKey(obj: KubeObject): string {
  const entries = (obj.metadata?.managedFields ?? []) as Record<string, unknown>[];
  return JSON.stringify(entries.map(({ time: _time, ...rest }) => rest));
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(canonical(withoutVolatile(a))) === JSON.stringify(canonical(withoutVolatile(b))) && managedFieldsKey(a) === managedFieldsKey(b);
}

function specChanged(a: KubeObject, b: KubeObject): boolean {
  const sa = (a as { spec?: unknown }).spec;
  const sb = (b as { spec?: unknown }).spec;
  return JSON.stringify(canonical(JSON.parse(JSON.stringify(sa ?? {})))) !== JSON.stringify(canonical(JSON.parse(JSON.stringify(sb ?? {}))));
}

/** Sorts object keys and drops empty arrays/maps so equal objects compare equal. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical((v as Record<string, unknown>)[k]);
      if (c === undefined) continue;
      if (Array.isArray(c) && c.length === 0) continue;
      if (c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      out[k] = c;
    }
    return out;
  }
  return v;
}
