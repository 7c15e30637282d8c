// Server-side field validation (?fieldValidation=Strict|Warn|Ignore): finds
// the fields of a JSON body that the kind does not have, walking the body
// against the proto field model.
import { newBadRequest } from '@k8ts/apimachinery';
import { isSpecialMessage, jsonFields, protoMessageOf } from './openapi/schemas';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw newBadRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${value}"`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON value of the wrong type for a field, as Go's encoding/json reports it. */
export interface TypeMismatch {
  /** "EnvVar.spec.containers.env.name": owning message and the field path without indices. */
  field: string;
  got: string;
  want: string;
}

const GO_TYPES: Record<string, { want: string; ok: (v: unknown) => boolean }> = {
  string: { want: 'string', ok: (v) => typeof v === 'string' },
  bytes: { want: '[]uint8', ok: (v) => typeof v === 'string' },
  bool: { want: 'bool', ok: (v) => typeof v === 'boolean' },
  int32: { want: 'int32', ok: (v) => typeof v === 'number' && Number.isInteger(v) },
  int64: { want: 'int64', ok: (v) => typeof v === 'number' && Number.isInteger(v) },
  uint32: { want: 'uint32', ok: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 },
  uint64: { want: 'uint64', ok: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 },
  double: { want: 'float64', ok: (v) => typeof v === 'number' },
  float: { want: 'float64', ok: (v) => typeof v === 'number' },
};

function jsonTypeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

interface WalkResult {
  unknown: string[];
  mismatches: TypeMismatch[];
}

function shortName(message: string): string {
  return message.slice(message.lastIndexOf('.') + 1);
}

function walk(message: string, value: unknown, at: string, goPath: string, out: WalkResult): void {
  if (!isPlainObject(value) || isSpecialMessage(message)) return;
  const fields = jsonFields(message);
  for (const [key, v] of Object.entries(value)) {
    const here = at ? `${at}.${key}` : key;
    const goHere = goPath ? `${goPath}.${key}` : key;
    const spec = fields[key];
    if (!spec) {
      if (at === '' && (key === 'apiVersion' || key === 'kind')) continue;
      out.unknown.push(here);
      continue;
    }
    if (v === null) continue;
    const [type, label] = spec;
    const scalar = GO_TYPES[type];
    const check = (item: unknown) => {
      if (scalar && !scalar.ok(item)) out.mismatches.push({ field: `${shortName(message)}.${goHere}`, got: jsonTypeOf(item), want: scalar.want });
    };
    if (label === 'r') {
      if (!Array.isArray(v)) out.mismatches.push({ field: `${shortName(message)}.${goHere}`, got: jsonTypeOf(v), want: `[]${scalar?.want ?? shortName(type)}` });
      else if (scalar) v.forEach(check);
      else v.forEach((item, i) => walk(type, item, `${here}[${i}]`, goHere, out));
    } else if (label === 'm') {
      if (!isPlainObject(v)) out.mismatches.push({ field: `${shortName(message)}.${goHere}`, got: jsonTypeOf(v), want: `map[string]${scalar?.want ?? shortName(type)}` });
      else if (scalar) Object.values(v).forEach(check);
      else for (const [k, item] of Object.entries(v)) walk(type, item, `${here}.${k}`, goHere, out);
    } else if (scalar) {
      check(v);
    } else {
      walk(type, v, here, goHere, out);
    }
  }
}

function walkBody(group: string, version: string, kind: string, json: unknown): WalkResult {
  const out: WalkResult = { unknown: [], mismatches: [] };
  const message = protoMessageOf(group, version, kind);
  if (message) walk(message, json, '', '', out);
  out.unknown.sort();
  return out;
}

/** Paths of unknown fields in `json`, an object of group/version/kind ("spec.foo", "spec.containers[0].bar"). */
export function unknownFields(group: string, version: string, kind: string, json: unknown): string[] {
  return walkBody(group, version, kind, json).unknown;
}

/** Fields whose JSON value has the wrong type (always a 400, whatever the field validation directive). */
export function typeMismatches(group: string, version: string, kind: string, json: unknown): TypeMismatch[] {
  return walkBody(group, version, kind, json).mismatches;
}

/**
 * Rejects values of the wrong JSON type (BadRequest, as Go's decoder does),
 * then applies the field validation directive: Strict throws BadRequest
 * ("strict decoding error: unknown field ..."), Warn returns the warnings
 * for the Warning header, Ignore returns none.
 */
export function checkFields(directive: FieldValidation, group: string, version: string, kind: string, json: unknown): string[] {
  const { unknown, mismatches } = walkBody(group, version, kind, json);
  if (mismatches.length > 0) {
    const m = mismatches[0];
    throw newBadRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${m.got} into Go struct field ${m.field} of type ${m.want}`);
  }
  if (directive === 'Ignore' || unknown.length === 0) return [];
  const texts = unknown.map((f) => `unknown field "${f}"`);
  if (directive === 'Strict') throw newBadRequest(`strict decoding error: ${texts.join(', ')}`);
  return texts;
}
