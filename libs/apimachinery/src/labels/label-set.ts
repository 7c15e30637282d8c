import { sortGoStrings } from '../util/go-compat';
import { FieldErrorsAggregate } from '../validation/field-error-aggregate';
import { invalid } from '../validation/field-error';
import { FieldPath, FieldPathLike } from '../validation/field-path';
import { isQualifiedName, isValidLabelValue } from '../validation/names';

/** Helpers over plain label maps. */

type LabelMap = Readonly<Record<string, string>> | null | undefined;

/** `a=b,c=d` with keys sorted; empty string for no labels. */
export function labelsToString(labels: LabelMap): string {
  return sortGoStrings(Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`)).join(',');
}

/** Like {@link labelsToString} but `<none>` when there are no labels (kubectl style). */
export function formatLabels(labels: LabelMap): string {
  return labelsToString(labels) || '<none>';
}

/** True when a key present in both maps has different values. */
export function labelsConflict(a: LabelMap, b: LabelMap): boolean {
  const right = b ?? {};
  return Object.entries(a ?? {}).some(([k, v]) => Object.prototype.hasOwnProperty.call(right, k) && right[k] !== v);
}

/** Union of both maps; `b` wins on conflicts. */
export function mergeLabels(a: LabelMap, b: LabelMap): Record<string, string> {
  return { ...(a ?? {}), ...(b ?? {}) };
}

/** Same keys with the same values. */
export function labelsEqual(a: LabelMap, b: LabelMap): boolean {
  const ea = Object.entries(a ?? {});
  const right = b ?? {};
  if (ea.length !== Object.keys(right).length) return false;
  return ea.every(([k, v]) => Object.prototype.hasOwnProperty.call(right, k) && right[k] === v);
}

/**
 * Parse the simple `k=v,k2=v2` form into a map (no operators other than `=`),
 * validating keys and values. Throws Error for malformed terms and
 * FieldErrorsAggregate for invalid keys or values.
 */
export function convertSelectorToLabelsMap(selector: string, path?: FieldPathLike): Record<string, string> {
  const out: Record<string, string> = {};
  if (selector.length === 0) return out;
  for (const term of selector.split(',')) {
    const parts = term.split('=');
    if (parts.length !== 2) throw new Error(`invalid selector: [${parts.join(' ')}]`);
    const key = parts[0].trim();
    const value = parts[1].trim();
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new FieldErrorsAggregate([invalid(path, key, keyErrs.join('; '))]);
    const valueErrs = isValidLabelValue(value);
    if (valueErrs.length) throw new FieldErrorsAggregate([invalid(FieldPath.keyOf(path, key), value, valueErrs.join('; '))]);
    out[key] = value;
  }
  return out;
}
