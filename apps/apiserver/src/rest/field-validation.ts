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

function walk(message: string, value: unknown, at: string, out: string[]): void {
  if (!isPlainObject(value) || isSpecialMessage(message)) return;
  const fields = jsonFields(message);
  for (const [key, v] of Object.entries(value)) {
    const here = at ? `${at}.${key}` : key;
    const spec = fields[key];
    if (!spec) {
      if (at === '' && (key === 'apiVersion' || key === 'kind')) continue;
      out.push(here);
      continue;
    }
    const [type, label] = spec;
    if (label === 'r' && Array.isArray(v)) v.forEach((item, i) => walk(type, item, `${here}[${i}]`, out));
    else if (label === 'm' && isPlainObject(v)) for (const [k, item] of Object.entries(v)) walk(type, item, `${here}.${k}`, out);
    else if (label === '') walk(type, v, here, out);
  }
}

/** Paths of unknown fields in `json`, an object of group/version/kind ("spec.foo", "spec.containers[0].bar"). */
export function unknownFields(group: string, version: string, kind: string, json: unknown): string[] {
  const message = protoMessageOf(group, version, kind);
  if (!message) return [];
  const out: string[] = [];
  walk(message, json, '', out);
  return out.sort();
}

/**
 * Applies the field validation directive: Strict throws BadRequest
 * ("strict decoding error: unknown field ..."), Warn returns the warnings
 * for the Warning header, Ignore returns none.
 */
export function checkFields(directive: FieldValidation, group: string, version: string, kind: string, json: unknown): string[] {
  if (directive === 'Ignore') return [];
  const unknown = unknownFields(group, version, kind, json);
  if (unknown.length === 0) return [];
  const texts = unknown.map((f) => `unknown field "${f}"`);
  if (directive === 'Strict') throw newBadRequest(`strict decoding error: ${texts.join(', ')}`);
  return texts;
}
