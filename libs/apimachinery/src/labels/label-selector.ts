import { goQuote } from '../util/go-compat';
import { LabelSelectorLike } from '../validation/labels';
import { parseRequirements } from './parser';
import { LabelsLike, Operator, Requirement, newRequirement } from './requirement';
import { Selector, everything, nothing, selectorFromRequirements } from './selector';

/** A LabelSelector object (API form) could not be turned into a Selector. */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
}

const API_OPERATORS: Readonly<Record<string, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Convert an API LabelSelector (`{matchLabels, matchExpressions}`) into a
 * Selector, as upstream `LabelSelectorAsSelector` does:
 * a missing (null/undefined) selector matches nothing, an empty one
 * matches everything. Throws LabelSelectorError for an unknown operator and
 * FieldErrorsAggregate for invalid keys/values.
 */
export function selectorFromLabelSelector(ps: LabelSelectorLike | null | undefined): Selector {
  if (!ps) return nothing();
  const matchLabels = Object.entries(ps.matchLabels ?? {});
  const expressions = ps.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return everything();
  const reqs: Requirement[] = matchLabels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const expr of expressions) {
    const opName = expr.operator ?? '';
    const op = Object.prototype.hasOwnProperty.call(API_OPERATORS, opName) ? API_OPERATORS[opName] : undefined;
    if (!op) throw new LabelSelectorError(`${goQuote(opName)} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key ?? '', op, [...(expr.values ?? [])]));
  }
  return selectorFromRequirements(reqs);
}

function isSelector(x: unknown): x is Selector {
  return typeof x === 'object' && x !== null && typeof (x as Selector).matches === 'function';
}

/**
 * Whether `labels` satisfy `selector`, which may be a Selector or an API
 * LabelSelector. A missing or invalid LabelSelector matches nothing.
 */
export function labelsMatchSelector(labels: LabelsLike, selector: Selector | LabelSelectorLike | null | undefined): boolean {
  if (isSelector(selector)) return selector.matches(labels);
  try {
    return selectorFromLabelSelector(selector).matches(labels);
  } catch {
    return false;
  }
}

/** The API LabelSelector shape produced by {@link parseToLabelSelector}. */
export interface ParsedLabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

const TO_API: Readonly<Partial<Record<Operator, string>>> = {
  in: 'In',
  notin: 'NotIn',
  exists: 'Exists',
  '!': 'DoesNotExist',
};

/**
 * Parse a selector string into the API LabelSelector form (`=`/`==` terms go
 * to matchLabels, set-based terms to matchExpressions). Throws
 * LabelSelectorError; `>`, `<` and `!=` have no API form.
 */
export function parseToLabelSelector(selector: string): ParsedLabelSelector {
  let reqs: Requirement[];
  try {
    reqs = parseRequirements(selector);
  } catch (e) {
    throw new LabelSelectorError(`couldn't parse the selector string "${selector}": ${(e as Error).message}`, { cause: e });
  }
  const out: ParsedLabelSelector = { matchLabels: {}, matchExpressions: [] };
  for (const r of reqs) {
    if (r.operator === '=' || r.operator === '==') {
      out.matchLabels[r.key] = r.values[0];
      continue;
    }
    if (r.operator === 'gt' || r.operator === 'lt') {
      throw new LabelSelectorError(`${goQuote(r.operator)} isn't supported in label selectors`);
    }
    const op = TO_API[r.operator];
    if (!op) throw new LabelSelectorError(`${goQuote(r.operator)} is not a valid label selector operator`);
    out.matchExpressions.push({ key: r.key, operator: op, values: r.sortedValues() });
  }
  return out;
}

/** The selector as a string, `<none>` when empty, `<error>` when invalid (kubectl's rendering). */
export function formatLabelSelector(ps: LabelSelectorLike | null | undefined): string {
  try {
    return selectorFromLabelSelector(ps).toString() || '<none>';
  } catch {
    return '<error>';
  }
}
