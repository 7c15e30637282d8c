// Idempotent wrapping of ts-proto MessageFns.
//
// Generated code is never edited, yet a few Kubernetes encodings differ from
// what ts-proto emits (IntOrString is a bare number/string in JSON, inlined
// structs, canonical timestamps...). ts-proto always reaches nested messages
// through the exported MessageFns object (`IntOrString.toJSON(...)`), so
// replacing a method on that object changes the behaviour everywhere the type
// is nested. patchMessage does that once per (type, id), however often it is
// called.

import type { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import type { MessageFns } from './generated';

/** Hooks around the generated methods of one message type. */
export interface MessagePatch<T> {
  /** Replaces encode; `original` is the previous implementation. */
  encode?(message: T, writer: BinaryWriter | undefined, original: (message: T, writer?: BinaryWriter) => BinaryWriter): BinaryWriter;
  /** Replaces decode; `original` is the previous implementation. */
  decode?(input: BinaryReader | Uint8Array, length: number | undefined, original: (input: BinaryReader | Uint8Array, length?: number) => T): T;
  /** Post-processes every decoded message (binary). */
  afterDecode?(message: T): T;
  /** Replaces fromJSON; `original` is the previous implementation. */
  fromJSON?(json: unknown, original: (json: unknown) => T): T;
  /** Replaces toJSON; `original` is the previous implementation. */
  toJSON?(message: T, original: (message: T) => unknown): unknown;
}

const APPLIED = Symbol.for('@k8ts/api/applied-patches');

type Patched = { [APPLIED]?: Set<string> };

/** Installs `patch` on `type` unless a patch with the same id is already installed. */
export function patchMessage<T>(type: MessageFns<T>, id: string, patch: MessagePatch<T>): void {
  const holder = type as MessageFns<T> & Patched;
  let applied = holder[APPLIED];
  if (!applied) {
    applied = new Set();
    Object.defineProperty(holder, APPLIED, { value: applied, enumerable: false });
  }
  if (applied.has(id)) return;
  applied.add(id);

  const { encode, decode, afterDecode, fromJSON, toJSON } = patch;
  if (encode) {
    const original = type.encode;
    type.encode = (message, writer) => encode(message, writer, (m, w) => original.call(type, m, w));
  }
  if (decode) {
    const original = type.decode;
    type.decode = (input, length) => decode(input, length, (i, l) => original.call(type, i, l));
  }
  if (afterDecode) {
    const previous = type.decode;
    type.decode = (input, length) => afterDecode(previous.call(type, input, length));
  }
  if (fromJSON) {
    const original = type.fromJSON;
    type.fromJSON = (json: unknown) => fromJSON(json, (j) => original.call(type, j));
  }
  if (toJSON) {
    const original = type.toJSON;
    type.toJSON = (message: T) => toJSON(message, (m) => original.call(type, m));
  }
}

/** True when `value` is a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
