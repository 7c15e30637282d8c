// @k8ts/api: Kubernetes object types (generated from proto/k8s.io by ts-proto)
// plus their Kubernetes JSON and protobuf codecs.
//
// Importing this module patches the generated message types so that their
// JSON is Kubernetes JSON (see install.ts). Always import the types from here.

import { installKubernetesJson } from './install';

installKubernetesJson();

export * from './generated';
export {
  ApiCodecError,
  BadMagicError,
  KindMismatchError,
  MalformedObjectError,
  TruncatedDataError,
  UnknownKindError,
  UnknownResourceError,
} from './errors';
export * from './time';
export * from './int-or-string';
export * from './kinds';
export * from './kind-lookup';
export * from './codec';
export * from './envelope';
export * from './watch-event';
export * from './object-helpers';
export { rawExtensionFromJSON, rawExtensionToJSON } from './raw-extension';
export { TIME_FIELDS, type TimeFieldsEntry } from './time-fields';
export { INLINE_FIELDS, type InlineField } from './json-fixups';
export { installKubernetesJson } from './install';
export * from './component-api';
