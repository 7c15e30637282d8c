// OpenAPI v3 schemas of the served kinds, derived from the proto field model
// (proto-schemas.generated.ts) plus what the protos cannot say: inlined
// structs, times, quantities, IntOrString, FieldsV1, RawExtension, Verbs.
import { INLINE_FIELDS } from '@k8ts/api';
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

/** Patch strategy hints kubectl reads from OpenAPI (merge keys of the lists it patches most). */
const MERGE_KEYS: Record<string, [key: string, strategy: string]> = {
  containers: ['name', 'merge'],
  initContainers: ['name', 'merge'],
  volumes: ['name', 'merge,retainKeys'],
  volumeMounts: ['mountPath', 'merge'],
  env: ['name', 'merge'],
  ports: ['containerPort', 'merge'],
  conditions: ['type', 'merge'],
  imagePullSecrets: ['name', 'merge'],
  finalizers: ['', 'merge'],
  ownerReferences: ['uid', 'merge'],
};

function fieldSchema(message: string, name: string, type: string, label: '' | 'r' | 'm'): Schema {
  const base: Schema = SCALAR[type] ?? SPECIAL[type] ?? { $ref: `#/components/schemas/${openApiName(type)}` };
  const single = base.$ref ? { allOf: [base] } : base;
  if (label === 'r') {
    const s: Schema = { type: 'array', items: base };
    const hint = MERGE_KEYS[name];
    if (hint && !(message.endsWith('.ServiceSpec') && name === 'ports')) {
      if (hint[0]) s['x-kubernetes-patch-merge-key'] = hint[0];
      s['x-kubernetes-patch-strategy'] = hint[1];
      if (hint[0]) {
        s['x-kubernetes-list-type'] = 'map';
        s['x-kubernetes-list-map-keys'] = [hint[0]];
      }
    } else if (message.endsWith('.ServiceSpec') && name === 'ports') {
      Object.assign(s, { 'x-kubernetes-patch-merge-key': 'port', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'] });
    }
    return s;
  }
  if (label === 'm') return { type: 'object', additionalProperties: base };
  return single;
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
