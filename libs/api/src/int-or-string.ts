// IntOrString: a port, surge or budget that is either a number or a name/percentage.
//
// In memory (and on the protobuf wire) it is the upstream message
//   { type: 0, intVal: 8080 }   or   { type: 1, strVal: 'http' }
// but Kubernetes JSON writes the bare value: 8080 or "http". ts-proto's
// generated IntOrString.fromJSON/toJSON use the message shape, and generated
// code must not be edited, so installIntOrStringJson() swaps those two methods
// on the generated IntOrString object. Every message that nests an IntOrString
// (ServicePort.targetPort, HTTPGetAction.port, RollingUpdateDeployment...) calls
// them through that object and so gets the Kubernetes form.

import { MalformedObjectError } from './errors';
import { IntOrString } from './generated';
import { isPlainObject, patchMessage } from './message-patch';

/** IntOrString.type for an integer value. */
export const INT_OR_STRING_INT = 0;
/** IntOrString.type for a string value. */
export const INT_OR_STRING_STRING = 1;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Builds an IntOrString from a number (int32) or a string. */
export function intOrString(value: number | string): IntOrString {
  if (typeof value === 'string') return { type: INT_OR_STRING_STRING, strVal: value };
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new MalformedObjectError(`IntOrString: ${value} is not a 32-bit integer`);
  }
  return { type: INT_OR_STRING_INT, intVal: value };
}

/** The number or string held by an IntOrString (undefined stays undefined). */
export function intOrStringValue(value: IntOrString | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  if (value.type === INT_OR_STRING_STRING) return value.strVal ?? '';
  // Go always writes all three fields; we also accept a bare strVal without type.
  if (value.type === undefined && value.intVal === undefined && value.strVal !== undefined) return value.strVal;
  return value.intVal ?? 0;
}

/**
 * Resolves an IntOrString that is either a number or a percentage ("25%")
 * against `total`, rounding up or down (as Deployment maxSurge/maxUnavailable).
 */
export function intOrPercentValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  const v = intOrStringValue(value);
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new MalformedObjectError(`IntOrString: ${JSON.stringify(v)} is neither an integer nor a percentage`);
  const scaled = (+m[1] * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * Resolves a port that may be named (a Service targetPort or probe port)
 * against named ports, e.g. a container's ports. Returns undefined when the
 * name is unknown.
 */
export function resolvePort(
  value: IntOrString | undefined,
  ports: readonly { name?: string | undefined; containerPort?: number | undefined }[],
): number | undefined {
  const v = intOrStringValue(value);
  if (typeof v === 'number') return v;
  if (v === undefined) return undefined;
  return ports.find((p) => p.name === v)?.containerPort;
}

function fromKubernetesJSON(json: unknown, original: (json: unknown) => IntOrString): IntOrString {
  if (typeof json === 'string') return intOrString(json);
  if (typeof json === 'number') return intOrString(json);
  // Tolerate the message shape ({type, intVal, strVal}) as well.
  if (isPlainObject(json) && ('type' in json || 'intVal' in json || 'strVal' in json)) return original(json);
  throw new MalformedObjectError(`IntOrString: expected a number or a string, got ${JSON.stringify(json)}`);
}

/** Makes IntOrString JSON a bare number/string (idempotent; done when @k8ts/api is imported). */
export function installIntOrStringJson(): void {
  patchMessage(IntOrString, 'kubernetes-json', {
    fromJSON: fromKubernetesJSON,
    toJSON: (message) => intOrStringValue(message),
  });
}
