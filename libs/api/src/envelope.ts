// The Kubernetes protobuf envelope (Content-Type application/vnd.kubernetes.protobuf):
//
//   6b 38 73 00                "k8s\0" magic
//   runtime.Unknown {
//     typeMeta        = 1 { apiVersion = 1, kind = 2 }
//     raw             = 2   protobuf bytes of the object's own message
//     contentEncoding = 3   always "" in practice
//     contentType     = 4   "" or the protobuf content type
//   }
//
// decodeK8sProtobuf reads it (e.g. the body kubectl or client-go sends) into our
// typed objects; encodeK8sProtobuf writes the same bytes Go would.

import { Decoded, DynamicKind, encodeObject } from './codec';
import { BadMagicError, MalformedObjectError, protobufDecodeError, TruncatedDataError, UnknownKindError } from './errors';
import { Unknown } from './generated';
import { findKind, getType } from './kind-lookup';
import { TypeName, TypeOf } from './kinds';

/** The four bytes every Kubernetes protobuf body starts with: "k8s\0". */
export const K8S_PROTOBUF_MAGIC: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** Content type of enveloped protobuf bodies. */
export const K8S_PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** True when `bytes` starts with the "k8s\0" magic. */
export function isK8sProtobuf(bytes: Uint8Array): boolean {
  return bytes.length >= K8S_PROTOBUF_MAGIC.length && K8S_PROTOBUF_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Reads the envelope without decoding the payload: apiVersion, kind and the
 * raw object bytes. Throws BadMagicError, TruncatedDataError or MalformedObjectError.
 */
export function unwrapK8sProtobuf(bytes: Uint8Array): { apiVersion: string; kind: string; raw: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new MalformedObjectError('decodeK8sProtobuf: expected bytes');
  const head = bytes.subarray(0, K8S_PROTOBUF_MAGIC.length);
  if (!head.every((b, i) => b === K8S_PROTOBUF_MAGIC[i])) throw new BadMagicError(Uint8Array.from(head));
  if (head.length < K8S_PROTOBUF_MAGIC.length) {
    throw new TruncatedDataError(`decodeK8sProtobuf: ${bytes.length} bytes, shorter than the magic`);
  }
  let envelope: Unknown;
  try {
    envelope = Unknown.decode(bytes.subarray(K8S_PROTOBUF_MAGIC.length));
  } catch (err) {
    throw protobufDecodeError('decodeK8sProtobuf: envelope', err);
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  if (kind === '') throw new MalformedObjectError('decodeK8sProtobuf: envelope without a kind');
  if (envelope.contentEncoding) {
    throw new MalformedObjectError(`decodeK8sProtobuf: unsupported content encoding ${JSON.stringify(envelope.contentEncoding)}`);
  }
  if (envelope.contentType && envelope.contentType !== K8S_PROTOBUF_CONTENT_TYPE) {
    throw new MalformedObjectError(`decodeK8sProtobuf: unsupported content type ${JSON.stringify(envelope.contentType)}`);
  }
  return { apiVersion, kind, raw: envelope.raw ?? new Uint8Array(0) };
}

/** Decodes an enveloped Kubernetes protobuf body into a typed object. */
export function decodeK8sProtobuf(bytes: Uint8Array): Decoded {
  const { apiVersion, kind, raw } = unwrapK8sProtobuf(bytes);
  const match = findKind(apiVersion, kind);
  if (!match) throw new UnknownKindError(apiVersion, kind);
  let object: unknown;
  try {
    object = match.type.decode(raw);
  } catch (err) {
    throw protobufDecodeError(`decodeK8sProtobuf: ${apiVersion} ${kind}`, err);
  }
  return { kind: match.name, apiVersion, info: match.info, list: match.list, object } as Decoded;
}

/** Encodes `obj` as an enveloped Kubernetes protobuf body of `kind`. */
export function encodeK8sProtobuf<N extends TypeName>(kind: N, obj: TypeOf<N>): Uint8Array;
export function encodeK8sProtobuf<K extends string>(kind: K & DynamicKind<K>, obj: unknown): Uint8Array;
export function encodeK8sProtobuf(kind: string, obj: unknown): Uint8Array {
  const match = getType(kind);
  const raw = encodeObject(match.name, obj as TypeOf<TypeName>);
  // Go always writes contentEncoding and contentType, empty; so do we.
  const body = Unknown.encode({
    typeMeta: { apiVersion: match.info.apiVersion, kind: match.name },
    raw: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
    contentEncoding: '',
    contentType: '',
  }).finish();
  const out = new Uint8Array(K8S_PROTOBUF_MAGIC.length + body.length);
  out.set(K8S_PROTOBUF_MAGIC, 0);
  out.set(body, K8S_PROTOBUF_MAGIC.length);
  return out;
}
