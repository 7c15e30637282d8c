// metadata.managedFields: reading and writing the entries, and recording the
// fields a non-apply write (PUT, or PATCH of another type) changed.
import { deepClone, deepEqual, isObject, type JsonObject } from './json-value';
import { FieldSet, fieldSetOf, type Path, valueAt } from './field-set';
import { schemaForKind } from './schema';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/** metav1.Time form: RFC 3339 in whole seconds. */
export function metaTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function readEntries(obj: JsonObject | undefined): ManagerEntry[] {
  const meta = obj?.['metadata'];
  const raw = isObject(meta) ? meta['managedFields'] : undefined;
  if (!Array.isArray(raw)) return [];
  const out: ManagerEntry[] = [];
  for (const e of raw) {
    if (!isObject(e)) continue;
    out.push({
      manager: typeof e['manager'] === 'string' ? e['manager'] : '',
      operation: e['operation'] === 'Apply' ? 'Apply' : 'Update',
      apiVersion: typeof e['apiVersion'] === 'string' ? e['apiVersion'] : '',
      time: typeof e['time'] === 'string' ? e['time'] : undefined,
      subresource: typeof e['subresource'] === 'string' && e['subresource'] ? e['subresource'] : undefined,
      set: FieldSet.fromFieldsV1(e['fieldsV1']),
    });
  }
  return out;
}

const seconds = (t: string | undefined) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Upstream's stable order of managedFields: Apply before Update, then oldest first, then manager, apiVersion, subresource. */
function compareEntries(p: ManagerEntry, q: ManagerEntry): number {
  return cmp(p.operation, q.operation) || seconds(p.time) - seconds(q.time) || cmp(p.manager, q.manager) || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource ?? '', q.subresource ?? '');
}

/** Writes the entries (those with fields) into obj.metadata.managedFields, in place. */
export function writeEntries(obj: JsonObject, entries: ManagerEntry[]): void {
  const meta = isObject(obj['metadata']) ? obj['metadata'] : (obj['metadata'] = {});
  const kept = entries.filter((e) => e.set.size > 0).sort(compareEntries);
  if (kept.length === 0) {
    delete (meta as JsonObject)['managedFields'];
    return;
  }
  (meta as JsonObject)['managedFields'] = kept.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.time ? { time: e.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: e.set.toFieldsV1(),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

export function sameManager(e: ManagerEntry, manager: string, operation: Operation, subresource: string | undefined): boolean {
  return e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '');
}

/** Drops members whose field no longer exists in `obj`. */
export function pruneMissing(set: FieldSet, obj: JsonObject): FieldSet {
  return FieldSet.of(set.paths().filter((p) => valueAt(obj, p) !== undefined));
}

function kindOf(obj: JsonObject): string {
  return typeof obj['kind'] === 'string' ? obj['kind'] : '';
}

/** Fields of `next` whose value differs from `prev` (added or changed), with newly created maps marked too. */
export function changedFields(prev: JsonObject, next: JsonObject, kind: string, subresource?: string): FieldSet {
  const out = new FieldSet();
  for (const p of fieldSetOf(next, schemaForKind(kind), subresource).paths()) {
    if (deepEqual(valueAt(prev, p), valueAt(next, p))) continue;
    out.add(p);
    // Like upstream's Update entries: a map or struct that did not exist before is itself a member.
    for (let i = 1; i < p.length; i++) {
      const prefix: Path = p.slice(0, i);
      if (prefix.length >= 2 && valueAt(prev, prefix) === undefined && isObject(valueAt(next, prefix))) out.add(prefix);
    }
  }
  return out;
}

/**
 * Records a non-apply write: `manager` (operation Update) takes ownership of
 * the fields it changed; other managers lose those fields and any field that
 * no longer exists. Returns a copy of `newObj` with metadata.managedFields set.
 * An object without managedFields before the write is treated as wholly
 * written by this manager. A client that sends `managedFields: [{}]` clears them.
 */
export function recordUpdateManagedFields(
  oldObj: Record<string, unknown> | undefined,
  newObj: Record<string, unknown>,
  manager: string,
  apiVersion: string,
  now: Date,
  subresource?: string,
): Record<string, unknown> {
  const out = deepClone(newObj);
  const sent = isObject(out['metadata']) ? out['metadata']['managedFields'] : undefined;
  if (Array.isArray(sent) && sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0) {
    delete (out['metadata'] as JsonObject)['managedFields'];
    return out;
  }
  const oldEntries = readEntries(oldObj);
  const sentEntries = readEntries(out);
  // Entries the client changed explicitly are taken as given; otherwise the stored ones.
  const base = Array.isArray(sent) && !deepEqual(sent, isObject(oldObj?.['metadata']) ? (oldObj['metadata'] as JsonObject)['managedFields'] : undefined) ? sentEntries : oldEntries;
  const prev = oldObj && oldEntries.length > 0 ? oldObj : {};
  const kind = kindOf(out) || (oldObj ? kindOf(oldObj) : '');
  const changed = changedFields(prev, out, kind, subresource);
  const entries: ManagerEntry[] = [];
  let own: ManagerEntry | undefined;
  for (const e of base) {
    if (sameManager(e, manager, 'Update', subresource)) {
      own = e;
      continue;
    }
    entries.push({ ...e, set: pruneMissing(e.set.difference(changed), out) });
  }
  const ownSet = pruneMissing((own?.set ?? new FieldSet()).union(changed), out);
  if (ownSet.size > 0) {
    const moved = !own || changed.size > 0;
    entries.push({ manager, operation: 'Update', apiVersion, time: moved ? metaTime(now) : own?.time, subresource, set: ownSet });
  }
  writeEntries(out, entries);
  return out;
}
