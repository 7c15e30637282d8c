// runtime.RawExtension in Kubernetes JSON is the embedded object itself, while
// on the wire it is bytes: JSON text, or an enveloped protobuf object when the
// outer message came from a protobuf stream (a WatchEvent, for instance).
// installRawExtensionJson() patches the generated RawExtension so that its JSON
// is that embedded object, decoding an envelope into our typed object first.

import { toJSON } from './codec';
import { decodeK8sProtobuf, isK8sProtobuf } from './envelope';
import { MalformedObjectError } from './errors';
import { RawExtension } from './generated';
import { patchMessage } from './message-patch';

/** The JSON value held by a RawExtension (undefined when empty). */
export function rawExtensionToJSON(ext: RawExtension | undefined): unknown {
  const raw = ext?.raw;
  if (!raw || raw.length === 0) return undefined;
  if (isK8sProtobuf(raw)) {
    const decoded = decodeK8sProtobuf(raw);
    return toJSON(decoded.kind, decoded.object);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (err) {
    throw new MalformedObjectError('RawExtension: raw is neither JSON nor a Kubernetes protobuf object', { cause: err });
  }
}

/** A RawExtension holding `value` as JSON text. */
export function rawExtensionFromJSON(value: unknown): RawExtension {
  if (value === undefined || value === null) return { raw: undefined };
  return { raw: Buffer.from(JSON.stringify(value), 'utf8') };
}

/** Makes RawExtension JSON the embedded object (idempotent; done when @k8ts/api is imported). */
export function installRawExtensionJson(): void {
  patchMessage(RawExtension, 'kubernetes-json', {
    fromJSON: (json) => rawExtensionFromJSON(json),
    toJSON: (message) => rawExtensionToJSON(message),
  });
}
