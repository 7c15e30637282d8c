// An in-memory stand-in for the typed apiserver client, for unit tests of
// controllers: pods, replicaSets, deployments and events. Objects get uid,
// resourceVersion, creationTimestamp and generation as the apiserver gives
// them; updates with a stale resourceVersion fail with Conflict; writes can
// be made to fail; every call is recorded. Each write also lands in the
// matching Indexer (the "informer cache") when one is attached.
import { deepCopy, type Deployment, type Event, type Pod, type ReplicaSet } from '@k8ts/api';
import { newAlreadyExists, newConflict, newNotFound } from '@k8ts/apimachinery';
import { Indexer, type ApiClient, type KubeObject } from '@k8ts/client';

export interface Call {
  verb: 'create' | 'update' | 'updateStatus' | 'delete' | 'get';
  resource: string;
  name: string;
  obj?: KubeObject;
}

type Failure = (call: Call) => unknown;

class FakeResource<T extends KubeObject & { spec?: unknown; status?: unknown }> {
  readonly objects = new Map<string, T>();
  /** The informer cache fed by writes (optional). */
  cache: Indexer<T> | undefined;

  constructor(
    private readonly fake: FakeClient,
    readonly resource: string,
    private readonly group: string,
  ) {}

  private key(ns: string | undefined, name: string): string {
    return `${ns ?? ''}/${name}`;
  }

  private record(call: Call): void {
    this.fake.calls.push(call);
    for (const f of this.fake.failures) {
      const err = f(call);
      if (err) throw err;
    }
  }

  /** Seeds an object (and the cache) without recording a call. */
  seed(obj: T): T {
    const stored = this.stamp(deepCopy(obj), undefined);
    this.objects.set(this.key(stored.metadata?.namespace, stored.metadata?.name ?? ''), stored);
    this.cache?.set(deepCopy(stored));
    return stored;
  }

  private stamp(obj: T, old: T | undefined): T {
    const meta = (obj.metadata ??= {});
    meta.uid ??= old?.metadata?.uid ?? `uid-${++this.fake.seq}`;
    meta.creationTimestamp ??= old?.metadata?.creationTimestamp ?? this.fake.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    meta.generation ??= old?.metadata?.generation ?? 1;
    meta.resourceVersion = String(++this.fake.rv);
    return obj;
  }

  async create(obj: T): Promise<T> {
    const o = deepCopy(obj);
    const meta = (o.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${(++this.fake.seq).toString(36).padStart(5, 'x')}`;
    this.record({ verb: 'create', resource: this.resource, name: meta.name ?? '', obj: deepCopy(o) });
    const key = this.key(meta.namespace, meta.name ?? '');
    if (this.objects.has(key)) throw newAlreadyExists({ group: this.group, resource: this.resource }, meta.name ?? '');
    const stored = this.stamp(o, undefined);
    this.objects.set(key, stored);
    this.cache?.set(deepCopy(stored));
    return deepCopy(stored);
  }

  async get(ns: string | undefined, name: string): Promise<T> {
    this.record({ verb: 'get', resource: this.resource, name });
    const o = this.objects.get(this.key(ns, name));
    if (!o) throw newNotFound({ group: this.group, resource: this.resource }, name);
    return deepCopy(o);
  }

  async list(opts: { namespace?: string } = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const items = [...this.objects.values()].filter((o) => !opts.namespace || o.metadata?.namespace === opts.namespace).map((o) => deepCopy(o));
    return { items, resourceVersion: String(this.fake.rv) };
  }

  async update(obj: T): Promise<T> {
    return this.put('update', obj);
  }

  async updateStatus(obj: T): Promise<T> {
    return this.put('updateStatus', obj);
  }

  private put(verb: 'update' | 'updateStatus', obj: T): Promise<T> {
    const name = obj.metadata?.name ?? '';
    this.record({ verb, resource: this.resource, name, obj: deepCopy(obj) });
    const key = this.key(obj.metadata?.namespace, name);
    const old = this.objects.get(key);
    if (!old) throw newNotFound({ group: this.group, resource: this.resource }, name);
    if (obj.metadata?.resourceVersion && obj.metadata.resourceVersion !== old.metadata?.resourceVersion) {
      throw newConflict({ group: this.group, resource: this.resource }, name, new Error('the object has been modified; please apply your changes to the latest version and try again'));
    }
    const next = deepCopy(obj);
    if (verb === 'updateStatus') {
      next.metadata = deepCopy(old.metadata);
      next.spec = deepCopy(old.spec);
    } else {
      next.status = deepCopy(old.status);
      next.metadata = { ...next.metadata, generation: old.metadata?.generation };
      if (JSON.stringify(next.spec) !== JSON.stringify(old.spec)) next.metadata.generation = (old.metadata?.generation ?? 1) + 1;
    }
    const stored = this.stamp(next, old);
    this.objects.set(key, stored);
    this.cache?.set(deepCopy(stored));
    return Promise.resolve(deepCopy(stored));
  }

  async delete(ns: string | undefined, name: string): Promise<T> {
    this.record({ verb: 'delete', resource: this.resource, name });
    const key = this.key(ns, name);
    const old = this.objects.get(key);
    if (!old) throw newNotFound({ group: this.group, resource: this.resource }, name);
    this.objects.delete(key);
    this.cache?.delete(`${ns}/${name}`);
    return deepCopy(old);
  }
}

export class FakeClient {
  readonly calls: Call[] = [];
  readonly failures: Failure[] = [];
  seq = 0;
  rv = 0;
  clockMs = Date.UTC(2026, 0, 1);
  readonly pods = new FakeResource<Pod>(this, 'pods', '');
  readonly replicaSets = new FakeResource<ReplicaSet>(this, 'replicasets', 'apps');
  readonly deployments = new FakeResource<Deployment>(this, 'deployments', 'apps');
  readonly events = new FakeResource<Event & { spec?: unknown; status?: unknown }>(this, 'events', '');

  now(): Date {
    return new Date(this.clockMs);
  }

  /** Writes only (no gets), as "verb resource/name". */
  writes(): string[] {
    return this.calls.filter((c) => c.verb !== 'get').map((c) => `${c.verb} ${c.resource}/${c.name}`);
  }

  /** Makes every matching call fail with err (until cleared). */
  failOn(match: Partial<Pick<Call, 'verb' | 'resource'>>, err: unknown): void {
    this.failures.push((c) => (Object.entries(match).every(([k, v]) => c[k as keyof Call] === v) ? err : undefined));
  }

  asApiClient(): ApiClient {
    return this as unknown as ApiClient;
  }
}

/** A fake client with informer caches attached to it. */
export function fakeCluster(): { client: FakeClient; pods: Indexer<Pod>; replicaSets: Indexer<ReplicaSet>; deployments: Indexer<Deployment> } {
  const client = new FakeClient();
  const pods = new Indexer<Pod>();
  const replicaSets = new Indexer<ReplicaSet>();
  const deployments = new Indexer<Deployment>();
  client.pods.cache = pods;
  client.replicaSets.cache = replicaSets;
  client.deployments.cache = deployments;
  return { client, pods, replicaSets, deployments };
}

/** Records events (reason and message) as the controllers report them. */
export class FakeRecorder {
  readonly events: string[] = [];
  event(_obj: unknown, type: string, reason: string, message: string): void {
    this.events.push(`${type} ${reason} ${message}`);
  }
}
