// Storage keys and their NATS subjects. The subject layout is the event
// subject contract from docs/architecture.md, owned by @k8ts/eventbus.
import { eventSubject, parseEventSubject, resourceWildcard } from '@k8ts/eventbus';
import type { KeyPrefix, StorageKey } from './interface';

export function keyString(key: StorageKey): string {
  return `${key.resource}/${key.namespace ?? ''}/${key.name}`;
}

export function matchesPrefix(key: StorageKey, prefix: KeyPrefix): boolean {
  if (key.resource !== prefix.resource) return false;
  return prefix.namespace === undefined || (key.namespace ?? '') === prefix.namespace;
}

export function subjectForKey(key: StorageKey): string {
  return eventSubject(key.resource, key.namespace, key.name);
}

export function subjectForPrefix(prefix: KeyPrefix): string {
  return resourceWildcard(prefix.resource, prefix.namespace);
}

export function keyForSubject(subject: string): StorageKey {
  const parsed = parseEventSubject(subject);
  const key: StorageKey = { resource: parsed.resource, name: parsed.name };
  if (parsed.namespace !== undefined) key.namespace = parsed.namespace;
  return key;
}
