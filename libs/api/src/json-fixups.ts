// Structural differences between ts-proto's JSON and Kubernetes JSON, fixed by
// patching the generated MessageFns (see message-patch.ts for why that works):
//
// - Inlined structs. Go embeds some structs with `json:",inline"` while the
//   proto keeps them as a field: Probe.handler, Volume.volumeSource and the
//   localObjectReference of the ConfigMap/Secret selectors and sources. In
//   memory the field exists (probe.handler.httpGet); in JSON its keys sit on
//   the outer object (probe.httpGet).
// - FieldsV1 holds JSON text in Raw; Kubernetes JSON shows that JSON object.
// - Verbs is a message with `items`; Kubernetes JSON is a bare string array.
// - Go's protobuf encoder writes every non-pointer scalar even when empty, so
//   metadata decoded from Kubernetes bytes would carry namespace: '', uid: '',
//   generation: 0... Decoding drops those zero values from ObjectMeta and
//   ListMeta (all such fields there are `omitempty` in Go, so '' and 0 mean
//   "unset"). Other messages keep exactly what was on the wire.

import { MalformedObjectError } from './errors';
import {
  ConfigMapEnvSource,
  ConfigMapKeySelector,
  ConfigMapVolumeSource,
  FieldsV1,
  ListMeta,
  MessageFns,
  ObjectMeta,
  Probe,
  SecretEnvSource,
  SecretKeySelector,
  Verbs,
  Volume,
} from './generated';
import { isPlainObject, patchMessage } from './message-patch';

/** A field whose message is inlined into its parent in Kubernetes JSON. */
export interface InlineField {
  /** Fully qualified proto message name of the parent. */
  readonly message: string;
  readonly type: MessageFns<never>;
  readonly field: string;
}

function inline<T>(message: string, type: MessageFns<T>, field: keyof T & string): InlineField {
  return { message, type: type as unknown as MessageFns<never>, field };
}

const CORE = 'k8s.io.api.core.v1';

/** Every inlined field of proto/k8s.io (checked against the protos by proto-conformance.spec.ts). */
export const INLINE_FIELDS: readonly InlineField[] = [
  inline(`${CORE}.Probe`, Probe, 'handler'),
  inline(`${CORE}.Volume`, Volume, 'volumeSource'),
  inline(`${CORE}.ConfigMapKeySelector`, ConfigMapKeySelector, 'localObjectReference'),
  inline(`${CORE}.SecretKeySelector`, SecretKeySelector, 'localObjectReference'),
  inline(`${CORE}.ConfigMapEnvSource`, ConfigMapEnvSource, 'localObjectReference'),
  inline(`${CORE}.SecretEnvSource`, SecretEnvSource, 'localObjectReference'),
  inline(`${CORE}.ConfigMapVolumeSource`, ConfigMapVolumeSource, 'localObjectReference'),
];

function installInline({ type, field }: InlineField): void {
  patchMessage(type as unknown as MessageFns<Record<string, unknown>>, `inline:${field}`, {
    fromJSON(json, original) {
      // The inner message picks its own keys out of the outer object.
      return isPlainObject(json) ? original({ ...json, [field]: json }) : original(json);
    },
    toJSON(message, original) {
      const out = original(message) as Record<string, unknown>;
      if (!(field in out)) return out;
      // Splice the inner keys in where the field was, keeping the key order.
      const flat: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(out)) {
        if (key === field) Object.assign(flat, isPlainObject(value) ? value : {});
        else flat[key] = value;
      }
      return flat;
    },
  });
}

function installFieldsV1(): void {
  patchMessage(FieldsV1, 'kubernetes-json', {
    fromJSON(json) {
      if (json === undefined || json === null) return { Raw: undefined };
      return { Raw: Buffer.from(JSON.stringify(json), 'utf8') };
    },
    toJSON(message) {
      if (!message.Raw || message.Raw.length === 0) return undefined;
      const text = Buffer.from(message.Raw).toString('utf8');
      try {
        return JSON.parse(text);
      } catch (err) {
        throw new MalformedObjectError('FieldsV1: Raw is not JSON', { cause: err });
      }
    },
  });
}

function installVerbs(): void {
  patchMessage(Verbs, 'kubernetes-json', {
    fromJSON: (json, original) => (Array.isArray(json) ? { items: json.map((v) => String(v)) } : original(json)),
    toJSON: (message) => [...(message.items ?? [])],
  });
}

function dropZeroValues<T extends object>(message: T, strings: (keyof T)[], numbers: (keyof T)[] = []): T {
  const m = message as Record<keyof T, unknown>;
  for (const k of strings) if (m[k] === '') m[k] = undefined;
  for (const k of numbers) if (m[k] === 0) m[k] = undefined;
  return message;
}

function installGoZeroCleanup(): void {
  patchMessage(ObjectMeta, 'go-zero-values', {
    afterDecode: (m) =>
      dropZeroValues(m, ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion'], ['generation']),
  });
  patchMessage(ListMeta, 'go-zero-values', {
    afterDecode: (m) => dropZeroValues(m, ['selfLink', 'resourceVersion', 'continue']),
  });
}

/** Installs all structural fixups (idempotent; done when @k8ts/api is imported). */
export function installJsonFixups(): void {
  for (const f of INLINE_FIELDS) installInline(f);
  installFieldsV1();
  installVerbs();
  installGoZeroCleanup();
}
