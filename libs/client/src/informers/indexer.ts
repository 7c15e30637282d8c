// Indexer: the informer's cache, after client-go's cache.Indexer over a
// thread-safe store. JavaScript runs one thing at a time and every method
// here is synchronous, so readers always see a consistent store.
//
// Objects are keyed "namespace/name" ("name" when cluster-scoped) and are
// the very objects handed to event handlers: callers must not mutate them.
import { parseSelector, type Selector } from '@k8ts/apimachinery';
import type { KubeObject } from '../resource-client';
import { DeletedFinalStateUnknown } from './types';

/** The values an object is indexed under (several, or none). */
export type IndexFunc<T> = (obj: T) => string[];
export type Indexers<T> = Record<string, IndexFunc<T>>;

export const NAMESPACE_INDEX = 'namespace';
export const NODE_NAME_INDEX = 'nodeName';

/** "namespace/name", or "name" for cluster-scoped objects. */
export function metaNamespaceKey(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error('object has no metadata.name');
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${name}` : name;
}

/** The key of an object or of a relist tombstone (client-go's DeletionHandlingMetaNamespaceKeyFunc). */
export function deletionHandlingKey(obj: KubeObject | DeletedFinalStateUnknown<KubeObject>): string {
  return obj instanceof DeletedFinalStateUnknown ? obj.key : metaNamespaceKey(obj);
}

/** Indexes objects by namespace (cluster-scoped objects under ''). */
export function namespaceIndexFunc(obj: KubeObject): string[] {
  return [obj.metadata?.namespace ?? ''];
}

/** Indexes pods by spec.nodeName; unbound pods are not indexed. */
export function nodeNameIndexFunc(obj: KubeObject): string[] {
  const node = (obj as { spec?: { nodeName?: string } }).spec?.nodeName;
  return node ? [node] : [];
}

/** Read access to an informer's cache. Returned objects must not be mutated. */
export interface Lister<T extends KubeObject> {
  /** By key ("namespace/name" or "name"). */
  get(key: string): T | undefined;
  getByName(namespace: string | undefined, name: string): T | undefined;
  list(): T[];
  listKeys(): string[];
  /** Objects whose labels match the selector (string or parsed), optionally in one namespace. */
  listBySelector(selector: string | Selector, namespace?: string): T[];
  /** Objects indexed under `value` by the index `indexName`. */
  byIndex(indexName: string, value: string): T[];
}

export class Indexer<T extends KubeObject> implements Lister<T> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name → value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(
    indexers: Indexers<T> = {},
    private readonly keyFunc: (obj: T) => string = metaNamespaceKey,
  ) {
    this.addIndexers({ [NAMESPACE_INDEX]: namespaceIndexFunc, ...indexers });
  }

  keyOf(obj: T): string {
    return this.keyFunc(obj);
  }

  /** Registers more indexes; existing objects are indexed at once. An existing name is an error. */
  addIndexers(indexers: Indexers<T>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexers.has(name)) throw new Error(`indexer ${JSON.stringify(name)} already exists`);
      this.indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(index, v, key);
    }
  }

  hasIndex(name: string): boolean {
    return this.indexers.has(name);
  }

  getIndexFunc(name: string): IndexFunc<T> | undefined {
    return this.indexers.get(name);
  }

  /** Adds or replaces the object under its key. */
  set(obj: T): void {
    const key = this.keyFunc(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    this.reindex(key, old, obj);
  }

  add(obj: T): void {
    this.set(obj);
  }

  update(obj: T): void {
    this.set(obj);
  }

  /** Removes an object (by object or key); returns what was stored. */
  delete(objOrKey: T | string): T | undefined {
    const key = typeof objOrKey === 'string' ? objOrKey : this.keyFunc(objOrKey);
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.items.delete(key);
    this.reindex(key, old, undefined);
    return old;
  }

  /** Replaces the whole content. */
  replace(objs: T[]): void {
    this.items.clear();
    for (const index of this.indices.values()) index.clear();
    for (const obj of objs) this.set(obj);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  get size(): number {
    return this.items.size;
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  /** Key/object pairs (a snapshot). */
  entries(): [string, T][] {
    return [...this.items.entries()];
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexKeys(indexName, value).map((k) => this.items.get(k) as T);
  }

  indexKeys(indexName: string, value: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index ${JSON.stringify(indexName)} does not exist`);
    return [...(index.get(value) ?? [])];
  }

  /** The values an index currently holds. */
  listIndexFuncValues(indexName: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index ${JSON.stringify(indexName)} does not exist`);
    return [...index.keys()];
  }

  /** Objects indexed like `obj` under indexName (sharing any of its values). */
  index(indexName: string, obj: T): T[] {
    const fn = this.indexers.get(indexName);
    if (!fn) throw new Error(`index ${JSON.stringify(indexName)} does not exist`);
    const keys = new Set<string>();
    for (const v of fn(obj)) for (const k of this.indexKeys(indexName, v)) keys.add(k);
    return [...keys].map((k) => this.items.get(k) as T);
  }

  listBySelector(selector: string | Selector, namespace?: string): T[] {
    const sel = typeof selector === 'string' ? parseSelector(selector) : selector;
    const candidates = namespace !== undefined ? this.byIndex(NAMESPACE_INDEX, namespace) : this.list();
    if (sel.empty()) return candidates;
    return candidates.filter((o) => sel.matches(o.metadata?.labels ?? {}));
  }

  private reindex(key: string, oldObj: T | undefined, newObj: T | undefined): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      const before = oldObj ? fn(oldObj) : [];
      const after = newObj ? fn(newObj) : [];
      for (const v of before) if (!after.includes(v)) removeFrom(index, v, key);
      for (const v of after) addTo(index, v, key);
    }
  }
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let keys = index.get(value);
  if (!keys) index.set(value, (keys = new Set()));
  keys.add(key);
}

function removeFrom(index: Map<string, Set<string>>, value: string, key: string): void {
  const keys = index.get(value);
  if (!keys) return;
  keys.delete(key);
  if (keys.size === 0) index.delete(value);
}

/** Freezes obj and everything reachable from it (test aid: proves nobody mutates cached objects). */
export function deepFreeze<T>(obj: T): T {
  if (obj === null || typeof obj !== 'object' || Object.isFrozen(obj)) return obj;
  // Typed arrays (bytes fields) with elements cannot be frozen; leave them.
  if (ArrayBuffer.isView(obj)) return obj;
  Object.freeze(obj);
  for (const v of Object.values(obj as Record<string, unknown>)) deepFreeze(v);
  return obj;
}
