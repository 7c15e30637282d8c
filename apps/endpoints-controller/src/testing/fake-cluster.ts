// FakeCluster: in-memory listers plus a recording client that behaves like
// the apiserver for what the controller needs (generateName, uid,
// resourceVersion, EndpointSlice generation, Conflict/AlreadyExists/
// NotFound). Stored objects are deep-frozen, so code that mutates a cached
// object fails the test. Test-only.
import { deepCopy, makeKey, type Endpoints, type EndpointSlice, type Pod, type Service } from '@k8ts/api';
import { newAlreadyExists, newConflict, newNotFound, semanticEqual, type Selector } from '@k8ts/apimachinery';
import type { EndpointSliceLister, EndpointsLister, EndpointsWriters, PodLister, ResourceWriter, ServiceLister } from '../controller/deps';
import type { SyncServiceDeps } from '../controller/sync-service';
import { deepFreeze } from './fixtures';

export type Verb = 'create' | 'update' | 'delete';
export type Resource = 'endpoints' | 'endpointslices';

export interface Call {
  verb: Verb;
  resource: Resource;
  namespace: string;
  name: string;
}

type Stored = { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };

function ns(obj: Stored): string {
  return obj.metadata?.namespace ?? '';
}

export class FakeCluster {
  readonly services = new Map<string, Service>();
  readonly pods = new Map<string, Pod>();
  readonly endpoints = new Map<string, Endpoints>();
  readonly slices = new Map<string, EndpointSlice>();
  readonly calls: Call[] = [];
  /** Errors thrown by the next matching calls (then removed). */
  readonly failures: { verb: Verb; resource: Resource; error: unknown }[] = [];
  private rv = 100;
  private nameSeq = 0;

  constructor(init: { services?: Service[]; pods?: Pod[]; endpoints?: Endpoints[]; slices?: EndpointSlice[] } = {}) {
    for (const s of init.services ?? []) this.putService(s);
    for (const p of init.pods ?? []) this.putPod(p);
    for (const e of init.endpoints ?? []) this.put(this.endpoints, e);
    for (const s of init.slices ?? []) this.put(this.slices, s);
  }

  private put<T extends Stored>(map: Map<string, T>, obj: T): T {
    const copy = deepFreeze(deepCopy(obj));
    map.set(makeKey(ns(copy), copy.metadata?.name ?? ''), copy);
    return copy;
  }

  putService(s: Service): void {
    this.put(this.services, s);
  }

  deleteService(namespace: string, name: string): void {
    this.services.delete(makeKey(namespace, name));
  }

  putPod(p: Pod): void {
    this.put(this.pods, p);
  }

  deletePod(namespace: string, name: string): void {
    this.pods.delete(makeKey(namespace, name));
  }

  /** Slices of a Service (by label), by name. */
  slicesOf(service: string, namespace = 'default'): EndpointSlice[] {
    return [...this.slices.values()]
      .filter((s) => ns(s) === namespace && s.metadata?.labels?.['kubernetes.io/service-name'] === service)
      .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  }

  endpointsOf(name: string, namespace = 'default'): Endpoints | undefined {
    return this.endpoints.get(makeKey(namespace, name));
  }

  /** Forgets recorded calls. */
  resetCalls(): void {
    this.calls.length = 0;
  }

  private record(verb: Verb, resource: Resource, namespace: string, name: string): void {
    this.calls.push({ verb, resource, namespace, name });
    const i = this.failures.findIndex((f) => f.verb === verb && f.resource === resource);
    if (i >= 0) {
      const [f] = this.failures.splice(i, 1);
      throw f.error;
    }
  }

  private writer<T extends Stored & { metadata?: { resourceVersion?: string; generateName?: string; uid?: string; generation?: number } }>(
    resource: Resource,
    map: Map<string, T>,
    hasGeneration: boolean,
  ): ResourceWriter<T> {
    const gr = { group: resource === 'endpoints' ? '' : 'discovery.k8s.io', resource };
    return {
      create: async (obj) => {
        const o = deepCopy(obj);
        const meta = (o.metadata ??= {});
        if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${String(++this.nameSeq).padStart(5, '0')}`;
        this.record('create', resource, ns(o), meta.name ?? '');
        const key = makeKey(ns(o), meta.name ?? '');
        if (map.has(key)) throw newAlreadyExists(gr, meta.name ?? '');
        meta.uid = `uid-${resource}-${meta.name}`;
        meta.resourceVersion = String(++this.rv);
        if (hasGeneration) meta.generation = 1;
        return deepCopy(this.put(map, o));
      },
      update: async (obj) => {
        const o = deepCopy(obj);
        const meta = (o.metadata ??= {});
        this.record('update', resource, ns(o), meta.name ?? '');
        const key = makeKey(ns(o), meta.name ?? '');
        const old = map.get(key);
        if (!old) throw newNotFound(gr, meta.name ?? '');
        if (meta.resourceVersion && meta.resourceVersion !== old.metadata?.resourceVersion) throw newConflict(gr, meta.name ?? '', 'the object has been modified');
        meta.resourceVersion = String(++this.rv);
        if (hasGeneration) {
          const { metadata: _a, ...a } = old;
          const { metadata: _b, ...b } = o;
          const changed = !semanticEqual(a, b) || !semanticEqual(old.metadata?.labels, meta.labels);
          meta.generation = (old.metadata?.generation ?? 0) + (changed ? 1 : 0);
        }
        return deepCopy(this.put(map, o));
      },
      delete: async (namespace, name) => {
        this.record('delete', resource, namespace, name);
        const key = makeKey(namespace, name);
        const old = map.get(key);
        if (!old) throw newNotFound(gr, name);
        map.delete(key);
        return old;
      },
    };
  }

  readonly client: EndpointsWriters = {
    endpoints: this.writer('endpoints', this.endpoints, false),
    endpointSlices: this.writer('endpointslices', this.slices, true),
  };

  readonly serviceLister: ServiceLister = {
    get: (namespace, name) => this.services.get(makeKey(namespace, name)),
    list: (namespace) => [...this.services.values()].filter((s) => ns(s) === namespace),
  };

  readonly podLister: PodLister = {
    list: (namespace: string, selector: Selector) => [...this.pods.values()].filter((p) => ns(p) === namespace && selector.matches(p.metadata?.labels ?? {})),
  };

  readonly endpointsLister: EndpointsLister = {
    get: (namespace, name) => this.endpoints.get(makeKey(namespace, name)),
  };

  readonly sliceLister: EndpointSliceLister = {
    list: (namespace: string, selector: Selector) => [...this.slices.values()].filter((s) => ns(s) === namespace && selector.matches(s.metadata?.labels ?? {})),
  };

  /** Writes reconcileSlices() changes through the client (creates, updates, deletes). */
  async applySliceChanges(changes: { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] }): Promise<void> {
    for (const s of changes.create) await this.client.endpointSlices.create(s);
    for (const s of changes.update) await this.client.endpointSlices.update(s);
    for (const s of changes.delete) await this.client.endpointSlices.delete(ns(s), s.metadata?.name ?? '');
  }

  /** Everything syncService needs, reading and writing this cluster. */
  deps(extra: Partial<SyncServiceDeps> = {}): SyncServiceDeps {
    return {
      serviceLister: this.serviceLister,
      podLister: this.podLister,
      endpointsLister: this.endpointsLister,
      sliceLister: this.sliceLister,
      client: this.client,
      ...extra,
    };
  }
}
