import { compareGoStrings } from '../util/go-compat';
import { FieldSelectorParseError, escapeFieldValue, unescapeFieldValue } from './escape';

/** Field selectors: `metadata.name=foo,spec.nodeName!=`. */

/** Field values of one object, keyed by field label (`metadata.name`). Missing fields read as ''. */
export type FieldsLike = Readonly<Record<string, string>> | ReadonlyMap<string, string> | null | undefined;

/** One term of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Rewrites a term's field and value; return ['', ''] to drop the term. May throw to reject it. */
export type FieldTransform = (field: string, value: string) => [field: string, value: string];

export interface FieldSelector {
  /** Whether the object's fields satisfy every term. */
  matches(fields: FieldsLike): boolean;
  /** True when nothing is restricted. */
  empty(): boolean;
  /** The value `field` must equal, if some `=` term pins it. */
  requiresExactMatch(field: string): string | undefined;
  /** Apply `fn` to every term (e.g. to convert or reject field labels). */
  transform(fn: FieldTransform): FieldSelector;
  /** All terms, in selector order. */
  requirements(): FieldRequirement[];
  /** Canonical string with values escaped. */
  toString(): string;
}

function get(fields: FieldsLike, key: string): string {
  if (!fields) return '';
  if (fields instanceof Map) return (fields as ReadonlyMap<string, string>).get(key) ?? '';
  const rec = fields as Readonly<Record<string, string>>;
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : '';
}

class Term implements FieldSelector {
  constructor(
    private readonly field: string,
    private readonly value: string,
    private readonly negated: boolean,
  ) {}

  matches(fields: FieldsLike): boolean {
    return (get(fields, this.field) === this.value) !== this.negated;
  }

  empty(): boolean {
    return false;
  }

  requiresExactMatch(field: string): string | undefined {
    return !this.negated && this.field === field ? this.value : undefined;
  }

  transform(fn: FieldTransform): FieldSelector {
    const [field, value] = fn(this.field, this.value);
    if (field.length === 0 && value.length === 0) return everythingFields();
    return new Term(field, value, this.negated);
  }

  requirements(): FieldRequirement[] {
    return [{ field: this.field, operator: this.negated ? '!=' : '=', value: this.value }];
  }

  toString(): string {
    return `${this.field}${this.negated ? '!=' : '='}${escapeFieldValue(this.value)}`;
  }
}

class AndTerm implements FieldSelector {
  constructor(private readonly terms: readonly FieldSelector[]) {}

  matches(fields: FieldsLike): boolean {
    return this.terms.every((t) => t.matches(fields));
  }

  empty(): boolean {
    return this.terms.every((t) => t.empty());
  }

  requiresExactMatch(field: string): string | undefined {
    for (const t of this.terms) {
      const v = t.requiresExactMatch(field);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  transform(fn: FieldTransform): FieldSelector {
    return new AndTerm(this.terms.map((t) => t.transform(fn)).filter((t) => !t.empty()));
  }

  requirements(): FieldRequirement[] {
    return this.terms.flatMap((t) => t.requirements());
  }

  toString(): string {
    return this.terms.map((t) => t.toString()).join(',');
  }
}

class NothingFields implements FieldSelector {
  matches(): boolean {
    return false;
  }
  empty(): boolean {
    return false;
  }
  requiresExactMatch(): string | undefined {
    return undefined;
  }
  transform(): FieldSelector {
    return this;
  }
  requirements(): FieldRequirement[] {
    return [];
  }
  toString(): string {
    return '';
  }
}

/** A field selector matching every object. */
export function everythingFields(): FieldSelector {
  return new AndTerm([]);
}

/** A field selector matching no object. */
export function nothingFields(): FieldSelector {
  return new NothingFields();
}

/** `field=value`. */
export function oneTermEqualSelector(field: string, value: string): FieldSelector {
  return new Term(field, value, false);
}

/** `field!=value`. */
export function oneTermNotEqualSelector(field: string, value: string): FieldSelector {
  return new Term(field, value, true);
}

/** Conjunction of selectors. */
export function andFieldSelectors(...selectors: FieldSelector[]): FieldSelector {
  return new AndTerm(selectors);
}

/** Exact match on every key of the set (keys in sorted order). A missing set selects everything. */
export function fieldSelectorFromSet(set: Readonly<Record<string, string>> | null | undefined): FieldSelector {
  if (!set) return everythingFields();
  const items = Object.keys(set)
    .sort(compareGoStrings)
    .map((k) => new Term(k, set[k], false));
  return items.length === 1 ? items[0] : new AndTerm(items);
}

// Split on unescaped commas.
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * Parse a field selector and pass every term through `fn` (identity by
 * default). `==` is accepted as `=`. Terms are sorted; empty terms are
 * skipped. Throws FieldSelectorParseError, or whatever `fn` throws.
 */
export function parseFieldSelector(selector: string, fn: FieldTransform = (f, v) => [f, v]): FieldSelector {
  const parts = splitTerms(selector).sort(compareGoStrings);
  const items: FieldSelector[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new FieldSelectorParseError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [lhs, op, rhs] = split;
    items.push(new Term(lhs, unescapeFieldValue(rhs), op === '!='));
  }
  if (items.length === 1) return items[0].transform(fn);
  return new AndTerm(items).transform(fn);
}
