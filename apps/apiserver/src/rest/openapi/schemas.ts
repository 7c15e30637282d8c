// OpenAPI v3 schemas of the served kinds, derived from the proto field model
// (proto-schemas.generated.ts) plus what the protos cannot say: inlined
// structs, times, quantities, IntOrString, FieldsV1, RawExtension, Verbs.
import { INLINE_FIELDS } from '@k8ts/api';
import { type FieldSchema, schemaForKind, type StructSchema } from '../patch/schema';
import type { ProtoModel } from './proto-model';
import { PROTO_MODEL } from './proto-schemas.generated';

export type Schema = Record<string, unknown>;

const PKG_BY_GROUP: Record<string, string> = {
  '': 'k8s.io.api.core.v1',
  apps: 'k8s.io.api.apps.v1',
  autoscaling: 'k8s.io.api.autoscaling.v1',
  'discovery.k8s.io': 'k8s.io.api.discovery.v1',
  'coordination.k8s.io': 'k8s.io.api.coordination.v1',
  'meta.k8s.io': 'k8s.io.apimachinery.pkg.apis.meta.v1',
};

/** Fully qualified proto message of a kind ("k8s.io.api.core.v1.Pod"); undefined when not modelled. */
export function protoMessageOf(group: string, version: string, kind: string, model: ProtoModel = PROTO_MODEL): string | undefined {
  const pkg = PKG_BY_GROUP[group];
  if (!pkg || version !== 'v1') return undefined;
  const name = `${pkg}.${kind}`;
  return model[name] ? name : undefined;
}

/** Upstream's OpenAPI name: "k8s.io.api.core.v1.Pod" -> "io.k8s.api.core.v1.Pod". */
export function openApiName(message: string): string {
  return message.startsWith('k8s.io.') ? `io.k8s.${message.slice('k8s.io.'.length)}` : message;
}

const INLINED = new Map<string, Set<string>>();
for (const f of INLINE_FIELDS) INLINED.set(f.message, new Set([...(INLINED.get(f.message) ?? []), f.field]));

/** Special messages whose JSON is not their proto shape. */
const SPECIAL: Record<string, Schema> = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time' },
  'google.protobuf.StringValue': { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': { type: 'object' },
  'k8s.io.apimachinery.pkg.runtime.RawExtension': { type: 'object' },
  'k8s.io.apimachinery.pkg.apis.meta.v1.Verbs': { type: 'array', items: { type: 'string' } },
};

const SCALAR: Record<string, Schema> = {
  string: { type: 'string' },
  bool: { type: 'boolean' },
  bytes: { type: 'string', format: 'byte' },
  int32: { type: 'integer', format: 'int32' },
  int64: { type: 'integer', format: 'int64' },
  uint32: { type: 'integer', format: 'int32' },
  uint64: { type: 'integer', format: 'int64' },
  double: { type: 'number', format: 'double' },
  float: { type: 'number', format: 'double' },
};

/** The JSON fields of a message: its own, with inlined structs' fields lifted up. */
export function jsonFields(message: string, model: ProtoModel = PROTO_MODEL): Record<string, readonly [string, '' | 'r' | 'm']> {
  const own = model[message] ?? {};
  const inlined = INLINED.get(message);
  const out: Record<string, readonly [string, '' | 'r' | 'm']> = {};
  for (const [name, spec] of Object.entries(own)) {
    if (inlined?.has(name)) Object.assign(out, jsonFields(spec[0], model));
    else out[name] = spec;
  }
  return out;
}

export function isSpecialMessage(type: string): boolean {
  return type in SPECIAL || type in SCALAR || !(type in PROTO_MODEL);
}

/**
 * The merge semantics of each message, from the patch module's merge schema
 * (the server's own strategic-merge and apply rules), so that the patch
 * metadata kubectl reads from OpenAPI (x-kubernetes-patch-*, list types)
 * is exactly what the server applies. Walked from each kind's root; a
 * message reached through several paths takes the first.
 */
const MERGE_BY_MESSAGE = new Map<string, StructSchema>();

function assignMerge(message: string, schema: StructSchema, model: ProtoModel): void {
  if (MERGE_BY_MESSAGE.has(message) || SPECIAL[message] || !model[message]) return;
  MERGE_BY_MESSAGE.set(message, schema);
  for (const [name, [type]] of Object.entries(jsonFields(message, model))) {
    const f = schema.fields[name];
    if (f?.kind === 'struct') assignMerge(type, f, model);
    else if (f?.kind === 'list' && f.elem) assignMerge(type, f.elem, model);
  }
}

function mergeSchemaOf(message: string): StructSchema | undefined {
  if (MERGE_BY_MESSAGE.size === 0) {
    for (const kind of ['Pod', 'Service', 'Endpoints', 'EndpointSlice', 'Node', 'Namespace', 'Deployment', 'ReplicaSet', 'Event', 'Lease', 'Scale']) {
      for (const group of Object.keys(PKG_BY_GROUP)) {
        const m = protoMessageOf(group, 'v1', kind);
        if (m) assignMerge(m, schemaForKind(kind), PROTO_MODEL);
      }
    }
  }
  return MERGE_BY_MESSAGE.get(message);
}

/** OpenAPI extensions for a field with merge schema `f`. */
function mergeExtensions(f: FieldSchema | undefined): Schema {
  if (!f) return {};
  if (f.kind === 'list') {
    const out: Schema = { 'x-kubernetes-list-type': f.listType };
    if (f.listType === 'map' && f.keys) out['x-kubernetes-list-map-keys'] = [...f.keys];
    if (f.merge) {
      out['x-kubernetes-patch-strategy'] = f.retainKeys ? 'merge,retainKeys' : 'merge';
      if (f.mergeKey) out['x-kubernetes-patch-merge-key'] = f.mergeKey;
    }
    return out;
  }
  if (f.kind === 'map') return f.atomic ? { 'x-kubernetes-map-type': 'atomic' } : {};
  if (f.kind === 'struct') return { ...(f.atomic ? { 'x-kubernetes-map-type': 'atomic' } : {}), ...(f.retainKeys ? { 'x-kubernetes-patch-strategy': 'retainKeys' } : {}) };
  return {};
}

function fieldSchema(message: string, name: string, type: string, label: '' | 'r' | 'm'): Schema {
  const base: Schema = SCALAR[type] ?? SPECIAL[type] ?? { $ref: `#/components/schemas/${openApiName(type)}` };
  const merge = mergeExtensions(mergeSchemaOf(message)?.fields[name]);
  if (label === 'r') return { type: 'array', items: base, ...merge };
  if (label === 'm') return { type: 'object', additionalProperties: base, ...merge };
  return base.$ref ? { allOf: [base], ...merge } : { ...base, ...merge };
}

/** The schema of one message (not following references). */
export function messageSchema(message: string, model: ProtoModel = PROTO_MODEL): Schema {
  if (SPECIAL[message]) return SPECIAL[message];
  const properties: Record<string, Schema> = {};
  for (const [name, [type, label]] of Object.entries(jsonFields(message, model))) properties[name] = fieldSchema(message, name, type, label);
  return { type: 'object', properties };
}

/** Every message reachable from `roots`, as OpenAPI component schemas keyed by OpenAPI name. */
export function schemaClosure(roots: string[], model: ProtoModel = PROTO_MODEL): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const queue = [...roots];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const m = queue.shift() as string;
    if (seen.has(m)) continue;
    seen.add(m);
    out[openApiName(m)] = messageSchema(m, model);
    if (SPECIAL[m]) continue;
    for (const [type] of Object.values(jsonFields(m, model))) {
      if (model[type] && !SPECIAL[type]) queue.push(type);
      else if (SPECIAL[type] && model[type]) queue.push(type);
    }
  }
  return out;
}
