// The index every monitored informer gets: objects by the uids of their owners.
import type { KubeObject } from '@k8ts/client';

export const OWNER_UID_INDEX = 'ownerUid';

export function ownerUidIndexFunc(obj: KubeObject): string[] {
  return (obj.metadata?.ownerReferences ?? []).map((r) => r.uid ?? '').filter((uid) => uid !== '');
}
