// Kubernetes JSON and plain protobuf for registered kinds.
//
// JSON is exactly what the Kubernetes API server writes: apiVersion/kind on the
// object (and on a list, not on its items), empty fields omitted, int64 as
// numbers, quantities as strings, IntOrString as a number or string, inlined
// structs flattened, Time as "2024-01-02T03:04:05Z" and MicroTime with six
// fractional digits. Most of that is ts-proto's toJSON; the rest comes from the
// patches that index.ts installs on the generated types (int-or-string.ts,
// time-fields.ts, json-fixups.ts, raw-extension.ts).
//
// encodeObject/decodeObject are the bare protobuf message bytes (no envelope),
// used between k8ts components (gRPC, NATS, storage). See envelope.ts for the
// "k8s\0" form that Kubernetes clients send.

import { ApiCodecError, KindMismatchError, MalformedObjectError, protobufDecodeError, UnknownKindError } from './errors';
import { findKind, getType } from './kind-lookup';
import { KindInfo, TypeName, TypeOf } from './kinds';
import { isPlainObject } from './message-patch';

/** A Kubernetes JSON object: apiVersion and kind plus whatever the type has. */
export interface KubeJSON {
  apiVersion: string;
  kind: string;
  [key: string]: unknown;
}

/** A decoded object together with what it is. Narrow on `kind`. */
export type Decoded = {
  [N in TypeName]: {
    readonly kind: N;
    readonly apiVersion: string;
    readonly info: KindInfo;
    /** True for list kinds ("PodList"). */
    readonly list: boolean;
    readonly object: TypeOf<N>;
  };
}[TypeName];

/**
 * A kind name only known at run time (a `string`). The codec functions accept
 * one with an `unknown` object; a literal kind ('Pod') must use the typed
 * overload, so its object is checked against the kind's type.
 */
export type DynamicKind<K extends string> = string extends K ? K : never;

/** Serialises `obj` as the Kubernetes JSON of `kind` ("Pod", "PodList", ...). */
export function toJSON<N extends TypeName>(kind: N, obj: TypeOf<N>): KubeJSON;
export function toJSON<K extends string>(kind: K & DynamicKind<K>, obj: unknown): KubeJSON;
export function toJSON(kind: string, obj: unknown): KubeJSON {
  const match = getType(kind);
  if (!isPlainObject(obj)) throw new MalformedObjectError(`toJSON(${kind}): expected an object, got ${describe(obj)}`);
  const body = guard(`toJSON(${kind})`, () => match.type.toJSON(obj)) as Record<string, unknown>;
  return { apiVersion: match.info.apiVersion, kind: match.name, ...body };
}

/** toJSON as a string (no trailing newline). */
export function toJSONString<N extends TypeName>(kind: N, obj: TypeOf<N>): string;
export function toJSONString<K extends string>(kind: K & DynamicKind<K>, obj: unknown): string;
export function toJSONString(kind: string, obj: unknown): string {
  return JSON.stringify(toJSON(kind, obj));
}

/**
 * Parses Kubernetes JSON (a parsed value, a string or UTF-8 bytes) into a typed
 * object, picking the type from apiVersion and kind. Throws MalformedObjectError
 * for bad input and UnknownKindError for kinds that are not registered.
 */
export function fromJSON(json: unknown): Decoded {
  const value = parseInput(json);
  const { apiVersion, kind } = value;
  if (typeof kind !== 'string' || kind === '') throw new MalformedObjectError('fromJSON: missing "kind"');
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new MalformedObjectError(`fromJSON: ${kind} without "apiVersion"`);
  const match = findKind(apiVersion, kind);
  if (!match) throw new UnknownKindError(apiVersion, kind);
  checkShape(kind, value);
  const object = guard(`fromJSON(${kind})`, () => match.type.fromJSON(value));
  return { kind: match.name, apiVersion, info: match.info, list: match.list, object } as Decoded;
}

/**
 * Parses Kubernetes JSON that must be of `kind`. apiVersion/kind may be absent;
 * when present they must name this kind (KindMismatchError otherwise).
 */
export function fromJSONAs<N extends TypeName>(kind: N, json: unknown): TypeOf<N>;
export function fromJSONAs<K extends string>(kind: K & DynamicKind<K>, json: unknown): unknown;
export function fromJSONAs(kind: string, json: unknown): unknown {
  const match = getType(kind);
  const value = parseInput(json);
  if (value.kind !== undefined || value.apiVersion !== undefined) {
    const found = findKind(String(value.apiVersion ?? match.info.apiVersion), String(value.kind ?? kind));
    if (found?.name !== match.name) {
      throw new KindMismatchError(`${match.info.apiVersion} ${match.name}`, `${String(value.apiVersion)} ${String(value.kind)}`);
    }
  }
  checkShape(kind, value);
  return guard(`fromJSON(${kind})`, () => match.type.fromJSON(value));
}

/** Protobuf bytes of `obj` as the message of `kind` (no Kubernetes envelope). */
export function encodeObject<N extends TypeName>(kind: N, obj: TypeOf<N>): Uint8Array;
export function encodeObject<K extends string>(kind: K & DynamicKind<K>, obj: unknown): Uint8Array;
export function encodeObject(kind: string, obj: unknown): Uint8Array {
  const match = getType(kind);
  if (!isPlainObject(obj)) throw new MalformedObjectError(`encodeObject(${kind}): expected an object, got ${describe(obj)}`);
  return guard(`encodeObject(${kind})`, () => match.type.encode(obj).finish());
}

/** Decodes protobuf bytes of the message of `kind` (no Kubernetes envelope). */
export function decodeObject<N extends TypeName>(kind: N, bytes: Uint8Array): TypeOf<N>;
export function decodeObject<K extends string>(kind: K & DynamicKind<K>, bytes: Uint8Array): unknown;
export function decodeObject(kind: string, bytes: Uint8Array): unknown {
  const match = getType(kind);
  if (!(bytes instanceof Uint8Array)) throw new MalformedObjectError(`decodeObject(${kind}): expected bytes, got ${describe(bytes)}`);
  try {
    return match.type.decode(bytes);
  } catch (err) {
    throw protobufDecodeError(`decodeObject(${kind})`, err);
  }
}

function parseInput(json: unknown): Record<string, unknown> {
  let value = json;
  if (typeof json === 'string' || json instanceof Uint8Array) {
    try {
      const text = typeof json === 'string' ? json : new TextDecoder('utf-8', { fatal: true }).decode(json);
      value = JSON.parse(text);
    } catch (err) {
      throw new MalformedObjectError('fromJSON: input is not valid JSON', { cause: err });
    }
  }
  if (!isPlainObject(value)) throw new MalformedObjectError(`fromJSON: expected a JSON object, got ${describe(value)}`);
  return value;
}

// ts-proto's fromJSON is lenient (it stringifies whatever it finds), so catch
// the gross shape errors at the top level where they are most likely.
function checkShape(kind: string, value: Record<string, unknown>): void {
  for (const key of ['metadata', 'spec', 'status']) {
    const v = value[key];
    if (v !== undefined && v !== null && !isPlainObject(v) && !(kind === 'Status' && key === 'status')) {
      throw new MalformedObjectError(`fromJSON(${kind}): "${key}" must be an object, got ${describe(v)}`);
    }
  }
  if (value.items !== undefined && value.items !== null && !Array.isArray(value.items)) {
    throw new MalformedObjectError(`fromJSON(${kind}): "items" must be an array, got ${describe(value.items)}`);
  }
}

/** Runs generated code, turning its plain errors (TypeError...) into MalformedObjectError. */
function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApiCodecError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new MalformedObjectError(`${what}: ${detail}`, { cause: err });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value;
}
