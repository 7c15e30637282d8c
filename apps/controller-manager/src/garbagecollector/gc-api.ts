// The writes and live reads the garbage collector makes, by kind name; the
// real one goes through the apiserver client, tests use a fake.
import type { ApiClient, KubeObject } from '@k8ts/client';
import type { PropagationPolicy } from './well-known';

export interface GcApi {
  /** Live read (the cache may lag): throws a StatusError (NotFound ...). */
  get(kind: string, namespace: string | undefined, name: string): Promise<KubeObject>;
  /** Replaces the object; a stale resourceVersion is a Conflict. */
  update(kind: string, obj: KubeObject): Promise<KubeObject>;
  /** Deletes the object with this uid (precondition) with the given propagation policy. */
  delete(kind: string, namespace: string | undefined, name: string, uid: string, policy: PropagationPolicy): Promise<void>;
}

export function gcApiFromClient(client: ApiClient): GcApi {
  return {
    get: (kind, namespace, name) => client.resource(kind).get(namespace, name),
    update: (kind, obj) => client.resource(kind).update(obj),
    delete: async (kind, namespace, name, uid, policy) => {
      await client.resource(kind).delete(namespace, name, { preconditions: { uid }, propagationPolicy: policy });
    },
  };
}
