// Watch events with a typed object. The generated WatchEvent keeps the object
// as a RawExtension (bytes); these helpers decode it into our types.
//
// JSON watch streams carry one {"type": "ADDED", "object": {...}} per line, the
// object with apiVersion/kind; protobuf streams carry enveloped WatchEvents
// whose raw object is itself an enveloped object.

import { Decoded, fromJSON, KubeJSON, toJSON } from './codec';
import { decodeK8sProtobuf, encodeK8sProtobuf } from './envelope';
import { MalformedObjectError } from './errors';
import { WatchEvent } from './generated';
import { TypeName, TypeOf } from './kinds';
import { isPlainObject } from './message-patch';

/** ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (the object is then a Status). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** A watch event whose object is decoded. */
export interface TypedWatchEvent {
  readonly type: string;
  readonly object: Decoded;
}

/** JSON of one watch event ({type, object}); the object gets apiVersion/kind. */
export function watchEventToJSON<N extends TypeName>(type: WatchEventType | string, kind: N, obj: TypeOf<N>): { type: string; object: KubeJSON } {
  return { type, object: toJSON(kind, obj) };
}

/** Parses one JSON watch event (value, string or bytes). */
export function watchEventFromJSON(json: unknown): TypedWatchEvent {
  let value = json;
  if (typeof json === 'string' || json instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof json === 'string' ? json : new TextDecoder().decode(json));
    } catch (err) {
      throw new MalformedObjectError('watch event: input is not valid JSON', { cause: err });
    }
  }
  if (!isPlainObject(value) || typeof value.type !== 'string') {
    throw new MalformedObjectError('watch event: expected {"type": string, "object": {...}}');
  }
  return { type: value.type, object: fromJSON(value.object) };
}

/** One protobuf watch frame payload: an enveloped WatchEvent around an enveloped object. */
export function watchEventToK8sProtobuf<N extends TypeName>(type: WatchEventType | string, kind: N, obj: TypeOf<N>): Uint8Array {
  const raw = encodeK8sProtobuf(kind, obj);
  return encodeK8sProtobuf('WatchEvent', { type, object: { raw: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) } });
}

/** Decodes one protobuf watch frame payload (see watchEventToK8sProtobuf). */
export function watchEventFromK8sProtobuf(bytes: Uint8Array): TypedWatchEvent {
  const outer = decodeK8sProtobuf(bytes);
  if (outer.kind !== 'WatchEvent') throw new MalformedObjectError(`watch event: got a ${outer.kind}`);
  const event: WatchEvent = outer.object;
  const raw = event.object?.raw;
  if (!raw || raw.length === 0) throw new MalformedObjectError('watch event: no object');
  return { type: event.type ?? '', object: decodeK8sProtobuf(raw) };
}
