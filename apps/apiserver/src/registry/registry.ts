// The set of served resources: one generic Store per resource, built from its
// strategy, sharing storage and admission. Front ends (gRPC, REST) resolve
// resources here and never touch storage directly.
import {
  type Binding,
  type Deployment,
  findResource,
  type KindInfo,
  type Namespace,
  type Pod,
  type ReplicaSet,
  type Scale,
  fromJSONAs,
  toJSONString,
} from '@k8ts/api';
import { newMethodNotSupported, newNotFound } from '@k8ts/apimachinery';
import type { RawStorage } from '../storage/interface';
import type { AdmissionPlugin, KubeObject, Strategy } from './generic/strategy';
import { type Clock, type ObjectCodec, Store, type WriteContext } from './generic/store';

export interface RegisteredResource<T extends KubeObject = KubeObject> {
  /** Plural resource name, e.g. "pods". */
  readonly resource: string;
  readonly group: string;
  /** Kind name in @k8ts/api's registry, for encodeObject/decodeObject/toJSON. */
  readonly kind: string;
  readonly info: KindInfo;
  readonly store: Store<T>;
}

/** Stores objects as Kubernetes JSON, so `nats sub 'k8ts.events.>'` is readable. */
export function jsonCodec<T>(kind: string): ObjectCodec<T> {
  return {
    encode: (obj) => Buffer.from(toJSONString(kind, obj)),
    decode: (data) => fromJSONAs(kind, Buffer.from(data).toString('utf8')) as T,
  };
}

export interface RegistryOptions {
  storage: RawStorage;
  /** The served resources (defaultStrategies() in production). */
  strategies: Strategy<KubeObject>[];
  /** Subresource handlers; absent ones answer MethodNotSupported. */
  subresources?: SubresourceHandlers;
  admission?: AdmissionPlugin[];
  clock?: Clock;
}

export class Registry {
  private readonly byResource = new Map<string, RegisteredResource>();
  private readonly subresources: SubresourceHandlers;

  constructor(opts: RegistryOptions) {
    this.subresources = opts.subresources ?? {};
    for (const strategy of opts.strategies) {
      const match = findResource(strategy.resource, strategy.group);
      if (!match) throw new Error(`no kind registered for ${strategy.resource}.${strategy.group}`);
      const store = new Store(strategy, opts.storage, jsonCodec(strategy.kind), opts.admission ?? [], opts.clock);
      this.byResource.set(`${strategy.resource}.${strategy.group}`, {
        resource: strategy.resource,
        group: strategy.group,
        kind: strategy.kind,
        info: match.parent,
        store,
      });
    }
  }

  /** Resolves "pods", "po", "deployments.apps", "deployments" (any group) ...; undefined when not served. */
  find(resource: string, group?: string): RegisteredResource | undefined {
    const match = findResource(resource, group);
    if (!match || match.subresource) return undefined;
    return this.byResource.get(`${match.parent.resource}.${match.parent.group}`);
  }

  /** Like find, but NotFound ("the server could not find the requested resource") when not served. */
  get(resource: string, group?: string): RegisteredResource {
    const found = this.find(resource, group);
    if (!found) throw newNotFound({ group: group ?? '', resource }, '');
    return found;
  }

  all(): RegisteredResource[] {
    return [...this.byResource.values()];
  }

  get pods(): Store<Pod> {
    return this.get('pods', '').store as Store<Pod>;
  }

  get namespaces(): Store<Namespace> {
    return this.get('namespaces', '').store as Store<Namespace>;
  }

  /** pods/binding */
  bind(namespace: string, binding: Binding, ctx: WriteContext = {}): Promise<Pod> {
    const bind = this.subresources.bind;
    if (!bind) throw newMethodNotSupported({ group: '', resource: 'pods/binding' }, 'create');
    return bind(this.pods, namespace, binding, ctx);
  }

  /** deployments/scale and replicasets/scale */
  getScale(resource: 'deployments' | 'replicasets', namespace: string, name: string): Promise<Scale> {
    const get = this.subresources.getScale;
    if (!get) throw newMethodNotSupported({ group: 'apps', resource: `${resource}/scale` }, 'get');
    return get(this.get(resource, 'apps').store as Store<Deployment | ReplicaSet>, namespace, name);
  }

  updateScale(resource: 'deployments' | 'replicasets', namespace: string, name: string, scale: Scale, ctx: WriteContext = {}): Promise<Scale> {
    const update = this.subresources.updateScale;
    if (!update) throw newMethodNotSupported({ group: 'apps', resource: `${resource}/scale` }, 'update');
    return update(this.get(resource, 'apps').store as Store<Deployment | ReplicaSet>, namespace, name, scale, ctx);
  }
}

export interface SubresourceHandlers {
  bind?: (pods: Store<Pod>, namespace: string, binding: Binding, ctx: WriteContext) => Promise<Pod>;
  getScale?: (store: Store<Deployment | ReplicaSet>, namespace: string, name: string) => Promise<Scale>;
  updateScale?: (store: Store<Deployment | ReplicaSet>, namespace: string, name: string, scale: Scale, ctx: WriteContext) => Promise<Scale>;
}
