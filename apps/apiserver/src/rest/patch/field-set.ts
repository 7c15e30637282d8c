// Field sets of server-side apply: which fields of an object a manager owns,
// in upstream's FieldsV1 encoding. A path is a list of elements:
//   f:<name>        a struct field or map key
//   k:{"name":"x"}  the element of a listType=map list with these key values
//   v:<json>        the element of a listType=set list with this value
//   i:<n>           an element of a list by index (not produced for atomic lists)
// A FieldsV1 tree nests the elements; a leaf is {} and "." marks a node that
// is itself a member when it also has children.
import { deepEqual, isObject, type JsonObject } from './json-value';
import { elemSchema, fieldSchema, type FieldSchema, type StructSchema } from './schema';

export type Path = readonly string[];

/** A set of field paths (members keyed by their JSON encoding). */
export class FieldSet {
  private readonly members = new Map<string, Path>();

  static of(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.add(p);
    return s;
  }

  add(p: Path): void {
    this.members.set(JSON.stringify(p), p);
  }

  delete(p: Path): void {
    this.members.delete(JSON.stringify(p));
  }

  has(p: Path): boolean {
    return this.members.has(JSON.stringify(p));
  }

  get size(): number {
    return this.members.size;
  }

  paths(): Path[] {
    return [...this.members.values()];
  }

  union(o: FieldSet): FieldSet {
    return FieldSet.of([...this.paths(), ...o.paths()]);
  }

  difference(o: FieldSet): FieldSet {
    return FieldSet.of(this.paths().filter((p) => !o.has(p)));
  }

  intersection(o: FieldSet): FieldSet {
    return FieldSet.of(this.paths().filter((p) => o.has(p)));
  }

  /** True when some member equals `prefix` or lies below it. */
  hasPrefix(prefix: Path): boolean {
    return this.paths().some((p) => prefix.every((e, i) => p[i] === e));
  }

  /** FieldsV1 JSON object. */
  toFieldsV1(): JsonObject {
    const root: JsonObject = {};
    const sorted = this.paths().sort((a, b) => a.length - b.length);
    for (const p of sorted) {
      let node = root;
      for (const e of p) {
        const next = (node[e] as JsonObject | undefined) ?? {};
        node[e] = next;
        node = next;
      }
    }
    // A member that has children carries "." (leaves are {}).
    for (const p of sorted) {
      let node = root;
      for (const e of p) node = node[e] as JsonObject;
      if (Object.keys(node).some((k) => k !== '.')) node['.'] = {};
    }
    return sortTree(root);
  }

  static fromFieldsV1(tree: unknown): FieldSet {
    const s = new FieldSet();
    const walk = (node: unknown, path: string[]) => {
      if (!isObject(node)) return;
      const keys = Object.keys(node);
      if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) s.add(path);
      for (const k of keys) if (k !== '.') walk(node[k], [...path, k]);
    };
    walk(tree, []);
    return s;
  }
}

function sortTree(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(node).sort()) out[k] = sortTree(node[k] as JsonObject);
  return out;
}

/**
 * Defaults of list-map key fields (upstream marks them +default so apply
 * can match `ports: [{containerPort: 80}]` with the stored, defaulted item).
 */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

function keyValue(item: JsonObject, name: string): unknown {
  return item[name] ?? KEY_DEFAULTS[name];
}

/** `k:` element for a keyed list item (keys sorted by name, as upstream encodes them). */
export function keyElement(item: JsonObject, keys: readonly string[]): string {
  const k: JsonObject = {};
  for (const name of [...keys].sort()) {
    const v = keyValue(item, name);
    if (v !== undefined) k[name] = v;
  }
  return `k:${JSON.stringify(k)}`;
}

export function valueElement(v: unknown): string {
  return `v:${JSON.stringify(v)}`;
}

/** Fields excluded from ownership: identity and server-managed metadata. */
const IGNORED_TOP = new Set(['apiVersion', 'kind']);
const IGNORED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'managedFields']);

/** Whether a top-level field belongs to the given subresource ("status" owns only status; the main resource everything else). */
export function inScope(field: string, subresource: string | undefined): boolean {
  if (subresource === 'status') return field === 'status' || field === 'metadata';
  return field !== 'status';
}

/**
 * The leaf fields set in `obj`: scalars, atomic lists/structs/maps, empty
 * maps, and keyed/set list elements (with their own fields below them).
 */
export function fieldSetOf(obj: JsonObject, schema: StructSchema, subresource?: string): FieldSet {
  const s = new FieldSet();
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || IGNORED_TOP.has(k) || !inScope(k, subresource)) continue;
    if (k === 'metadata' && isObject(v)) {
      const metaSchema = fieldSchema(schema, 'metadata');
      for (const [mk, mv] of Object.entries(v)) {
        if (mv === undefined || mv === null || IGNORED_META.has(mk)) continue;
        collect(mv, fieldSchema(metaSchema, mk), ['f:metadata', `f:${mk}`], s);
      }
      continue;
    }
    collect(v, fieldSchema(schema, k), [`f:${k}`], s);
  }
  return s;
}

function collect(v: unknown, schema: FieldSchema | undefined, path: string[], out: FieldSet): void {
  if (v === undefined || v === null) return;
  if (isObject(v)) {
    const atomic = (schema?.kind === 'struct' || schema?.kind === 'map') && schema.atomic;
    const entries = Object.entries(v).filter(([, x]) => x !== undefined && x !== null);
    if (atomic || entries.length === 0 || schema?.kind === 'scalar') {
      out.add(path);
      return;
    }
    const mapLike = schema?.kind === 'map';
    for (const [k, x] of entries) collect(x, mapLike ? undefined : fieldSchema(schema, k), [...path, `f:${k}`], out);
    return;
  }
  if (Array.isArray(v) && schema?.kind === 'list' && schema.listType !== 'atomic' && v.length > 0) {
    for (const item of v) {
      if (schema.listType === 'set') {
        out.add([...path, valueElement(item)]);
      } else if (isObject(item)) {
        const el = [...path, keyElement(item, schema.keys ?? [])];
        out.add(el);
        collect(item, elemSchema(schema), el, out);
        out.add(el); // the element itself stays a member even when it has children
      }
    }
    return;
  }
  out.add(path);
}

/**
 * Checks that every item of a keyed list carries its key fields (or their
 * defaults) and that keys are unique; returns the first problem as upstream
 * words it, e.g. `.spec.containers: element 0: associative list with keys has
 * an element that omits key field "name" (and doesn't have default value)`.
 */
export function keyedListProblem(v: unknown, schema: FieldSchema | undefined, path = ''): string | undefined {
  if (Array.isArray(v)) {
    if (schema?.kind !== 'list' || schema.listType !== 'map') return undefined;
    const seen = new Set<string>();
    for (const [i, item] of v.entries()) {
      if (!isObject(item)) return `${path}: element ${i}: associative list with keys may not contain non-map elements`;
      const missing = (schema.keys ?? []).find((k) => keyValue(item, k) === undefined);
      if (missing) return `${path}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(missing)} (and doesn't have default value)`;
      const key = keyElement(item, schema.keys ?? []);
      if (seen.has(key)) return `${path}: duplicate entries for key ${key.slice(2)}`;
      seen.add(key);
      const inner = keyedListProblem(item, schema.elem, `${path}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (!isObject(v) || schema?.kind === 'map') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const inner = keyedListProblem(x, fieldSchema(schema, k), `${path}.${k}`);
    if (inner) return inner;
  }
  return undefined;
}

/** Resolves one path element against a value: the child value, or undefined. */
export function childAt(parent: unknown, element: string): unknown {
  if (element.startsWith('f:')) return isObject(parent) ? parent[element.slice(2)] : undefined;
  if (!Array.isArray(parent)) return undefined;
  if (element.startsWith('k:')) {
    const key = JSON.parse(element.slice(2)) as JsonObject;
    return parent.find((it) => isObject(it) && Object.entries(key).every(([k, kv]) => deepEqual(keyValue(it, k), kv)));
  }
  if (element.startsWith('v:')) {
    const val = JSON.parse(element.slice(2)) as unknown;
    return parent.find((it) => deepEqual(it, val));
  }
  if (element.startsWith('i:')) return parent[Number(element.slice(2))];
  return undefined;
}

/** The value at a path (undefined when absent). */
export function valueAt(obj: unknown, path: Path): unknown {
  let cur = obj;
  for (const e of path) {
    cur = childAt(cur, e);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the value at `path` from `obj` in place (no-op when absent). */
export function removeAt(obj: unknown, path: Path): void {
  if (path.length === 0) return;
  const parent = valueAt(obj, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last.startsWith('f:')) {
    if (isObject(parent)) delete parent[last.slice(2)];
    return;
  }
  if (!Array.isArray(parent)) return;
  const item = childAt(parent, last);
  const idx = parent.indexOf(item);
  if (idx >= 0) parent.splice(idx, 1);
}

/** Upstream's human form of a path in conflict messages: `.spec.containers[name="web"].image`. */
export function pathString(path: Path): string {
  let out = '';
  for (const e of path) {
    if (e.startsWith('f:')) out += `.${e.slice(2)}`;
    else if (e.startsWith('k:')) {
      const key = JSON.parse(e.slice(2)) as JsonObject;
      out += `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    } else if (e.startsWith('v:')) out += `[=${e.slice(2)}]`;
    else if (e.startsWith('i:')) out += `[${e.slice(2)}]`;
  }
  return out;
}
