import { compareGoStrings, parseGoInt64, sortGoStrings } from '../util/go-compat';
import { aggregateFieldErrors } from '../validation/field-error-aggregate';
import { FieldError, invalid, notSupported } from '../validation/field-error';
import { FieldPath, FieldPathLike, childOf } from '../validation/field-path';
import { isQualifiedName, isValidLabelValue } from '../validation/names';

/** Relationship between a label key and its values (upstream `selection.Operator`). */
export type Operator = '!' | '=' | '==' | 'in' | '!=' | 'notin' | 'exists' | 'gt' | 'lt';

export const Operators = {
  DoesNotExist: '!',
  Equals: '=',
  DoubleEquals: '==',
  In: 'in',
  NotEquals: '!=',
  NotIn: 'notin',
  Exists: 'exists',
  GreaterThan: 'gt',
  LessThan: 'lt',
} as const satisfies Record<string, Operator>;

const BINARY_OPERATORS: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const UNARY_OPERATORS: readonly Operator[] = ['exists', '!'];
const ALL_OPERATORS: readonly Operator[] = [...BINARY_OPERATORS, ...UNARY_OPERATORS];

/** Operators printed in "expected: ..." parse errors. */
export const BINARY_OPERATOR_LIST = BINARY_OPERATORS.join(', ');

/** A set of labels: a plain record or a Map. Missing/null means "no labels". */
export type LabelsLike = Readonly<Record<string, string>> | ReadonlyMap<string, string> | null | undefined;

/** Look a label up without tripping over inherited object properties. */
export function lookupLabel(labels: LabelsLike, key: string): string | undefined {
  if (!labels) return undefined;
  if (labels instanceof Map) return (labels as ReadonlyMap<string, string>).get(key);
  const rec = labels as Readonly<Record<string, string>>;
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

/** Validation of a label key inside a selector: an Invalid error at `p` or nothing. */
export function validateLabelKeyAt(key: string, p: FieldPathLike): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(p, key, errs.join('; ')) : undefined;
}

function validateLabelValueAt(key: string, value: string, p: FieldPath): FieldError | undefined {
  const errs = isValidLabelValue(value);
  return errs.length ? invalid(p.key(key), value, errs.join('; ')) : undefined;
}

/** One term of a label selector: key, operator and values. Immutable. */
export class Requirement {
  /** Use {@link newRequirement} to get a validated requirement. */
  constructor(
    readonly key: string,
    readonly operator: Operator,
    /** Values in the order they were given. */
    readonly values: readonly string[],
  ) {}

  private hasValue(v: string): boolean {
    return this.values.includes(v);
  }

  /** Whether the labels satisfy this requirement. */
  matches(labels: LabelsLike): boolean {
    const val = lookupLabel(labels, this.key);
    switch (this.operator) {
      case 'in':
      case '=':
      case '==':
        return val !== undefined && this.hasValue(val);
      case 'notin':
      case '!=':
        return val === undefined || !this.hasValue(val);
      case 'exists':
        return val !== undefined;
      case '!':
        return val === undefined;
      case 'gt':
      case 'lt': {
        if (val === undefined || this.values.length !== 1) return false;
        const have = parseGoInt64(val);
        const want = parseGoInt64(this.values[0]);
        if (have === undefined || want === undefined) return false;
        return this.operator === 'gt' ? have > want : have < want;
      }
      default:
        return false;
    }
  }

  /** Values sorted and de-duplicated. */
  sortedValues(): string[] {
    return sortGoStrings(new Set(this.values));
  }

  /** Same key, operator and values (in order). */
  equals(other: Requirement): boolean {
    return (
      this.key === other.key &&
      this.operator === other.operator &&
      this.values.length === other.values.length &&
      this.values.every((v, i) => v === other.values[i])
    );
  }

  /** Selector syntax for this term: `a=b`, `a in (x,y)`, `!a`. */
  toString(): string {
    let s = this.operator === '!' ? '!' + this.key : this.key;
    switch (this.operator) {
      case '=':
      case '==':
      case '!=':
        s += this.operator;
        break;
      case 'in':
        s += ' in ';
        break;
      case 'notin':
        s += ' notin ';
        break;
      case 'gt':
        s += '>';
        break;
      case 'lt':
        s += '<';
        break;
      case 'exists':
      case '!':
        return s;
    }
    const set = this.operator === 'in' || this.operator === 'notin';
    const vals = this.values.length === 1 ? this.values[0] : [...this.values].sort(compareGoStrings).join(',');
    return set ? `${s}(${vals})` : s + vals;
  }
}

/**
 * Build a validated requirement. Throws a FieldErrorsAggregate listing every
 * problem (bad key, wrong number of values for the operator, bad values).
 * `p` is the field path used in error messages.
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[], p?: FieldPathLike): Requirement {
  const errs: FieldError[] = [];
  const keyErr = validateLabelKeyAt(key, childOf(p, 'key'));
  if (keyErr) errs.push(keyErr);
  const valuePath = childOf(p, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid(valuePath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errs.push(invalid(valuePath, values, 'values set must be empty for exists and does not exist'));
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errs.push(invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (parseGoInt64(v) === undefined) {
          errs.push(invalid(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(notSupported(childOf(p, 'operator'), operator, ALL_OPERATORS));
  }
  values.forEach((v, i) => {
    const e = validateLabelValueAt(key, v, valuePath.index(i));
    if (e) errs.push(e);
  });
  const agg = aggregateFieldErrors(errs);
  if (agg) throw agg;
  return new Requirement(key, operator, [...values]);
}
