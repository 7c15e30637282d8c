import { utf8Length } from '../util/go-compat';
import { FieldError, forbidden, invalid, required, tooLong, withOrigin } from './field-error';
import { FieldPath, FieldPathLike } from './field-path';
import { isQualifiedName, isValidLabelValue } from './names';

/** Validation of label maps, annotation maps and LabelSelector objects. */

/** Upper bound on the total size (keys + values, in bytes) of an object's annotations: 256 KiB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

type StringMap = Readonly<Record<string, string>> | null | undefined;

/** A label key (qualified name). */
export function validateLabelName(labelName: string, p: FieldPathLike): FieldError[] {
  return isQualifiedName(labelName).map((msg) => withOrigin(invalid(p, labelName, msg), 'format=k8s-label-key'));
}

/** Every key must be a qualified name and every value a valid label value. Errors carry the map's path. */
export function validateLabels(labels: StringMap, p: FieldPathLike): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, p));
    for (const msg of isValidLabelValue(v)) errs.push(withOrigin(invalid(p, v, msg), 'format=k8s-label-value'));
  }
  return errs;
}

/** Total size of annotation keys and values in bytes. */
export function annotationsSize(annotations: StringMap): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) total += utf8Length(k) + utf8Length(v);
  return total;
}

/**
 * Annotation keys must be qualified names (case-insensitive) and the total
 * size must stay within {@link TOTAL_ANNOTATION_SIZE_LIMIT_BYTES}.
 */
export function validateAnnotations(annotations: StringMap, p: FieldPathLike): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) {
      errs.push(withOrigin(invalid(p, k, msg), 'format=k8s-label-key'));
    }
  }
  if (annotationsSize(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    errs.push(tooLong(p, '', TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  }
  return errs;
}

/** Structural shape of a `LabelSelectorRequirement`. */
export interface LabelSelectorRequirementLike {
  key?: string;
  operator?: string;
  values?: readonly string[] | null;
}

/** Structural shape of a `LabelSelector` (`matchLabels` / `matchExpressions`). */
export interface LabelSelectorLike {
  matchLabels?: Readonly<Record<string, string>> | null;
  matchExpressions?: readonly LabelSelectorRequirementLike[] | null;
}

export interface LabelSelectorValidationOptions {
  /** Accept invalid label values in expressions (only for data persisted before validation existed). */
  allowInvalidLabelValueInSelector?: boolean;
  /** Accept operators other than In/NotIn/Exists/DoesNotExist. */
  allowUnknownOperatorInRequirement?: boolean;
}

/** Validate one `matchExpressions` entry. */
export function validateLabelSelectorRequirement(
  sr: LabelSelectorRequirementLike,
  opts: LabelSelectorValidationOptions,
  p: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = sr.values ?? [];
  switch (sr.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      if (!opts.allowUnknownOperatorInRequirement) {
        errs.push(invalid(p.child('operator'), sr.operator ?? '', 'not a valid selector operator'));
      }
  }
  errs.push(...validateLabelName(sr.key ?? '', p.child('key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(p.child('values').index(i), v, msg));
    });
  }
  return errs;
}

/** Validate a LabelSelector object; a missing selector is valid. */
export function validateLabelSelector(
  ps: LabelSelectorLike | null | undefined,
  opts: LabelSelectorValidationOptions,
  p: FieldPath,
): FieldError[] {
  if (!ps) return [];
  const errs = validateLabels(ps.matchLabels, p.child('matchLabels'));
  (ps.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateLabelSelectorRequirement(expr, opts, p.child('matchExpressions').index(i)));
  });
  return errs;
}

/** True when any expression value in the selector is not a valid label value. */
export function labelSelectorHasInvalidLabelValue(ps: LabelSelectorLike | null | undefined): boolean {
  return (ps?.matchExpressions ?? []).some((e) => (e.values ?? []).some((v) => isValidLabelValue(v).length > 0));
}
