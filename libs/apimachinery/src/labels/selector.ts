import { compareGoStrings } from '../util/go-compat';
import { FieldPathLike } from '../validation/field-path';
import { parseRequirements } from './parser';
import { LabelsLike, Requirement, newRequirement } from './requirement';

/** A label selector: a conjunction of requirements. Immutable. */
export interface Selector {
  /** Whether the labels satisfy every requirement. */
  matches(labels: LabelsLike): boolean;
  /** True when the selector does not restrict anything (matches everything). */
  empty(): boolean;
  /** Canonical selector string, e.g. `app=web,tier in (a,b)`. */
  toString(): string;
  /** The requirements, sorted by key. Empty for both "everything" and "nothing"; see {@link selectable}. */
  requirements(): readonly Requirement[];
  /** False only for the "nothing" selector, which no label set can satisfy. */
  selectable(): boolean;
  /** A new selector with extra requirements (re-sorted by key). */
  add(...reqs: Requirement[]): Selector;
  /** If the selector pins `label` to a single value (`=`, `==`, or `in` with one value), that value. */
  requiresExactMatch(label: string): string | undefined;
}

function byKey(a: Requirement, b: Requirement): number {
  return compareGoStrings(a.key, b.key);
}

class RequirementsSelector implements Selector {
  private readonly reqs: readonly Requirement[];

  constructor(reqs: readonly Requirement[]) {
    this.reqs = reqs;
  }

  matches(labels: LabelsLike): boolean {
    return this.reqs.every((r) => r.matches(labels));
  }

  empty(): boolean {
    return this.reqs.length === 0;
  }

  toString(): string {
    return this.reqs.map((r) => r.toString()).join(',');
  }

  requirements(): readonly Requirement[] {
    return this.reqs;
  }

  selectable(): boolean {
    return true;
  }

  add(...reqs: Requirement[]): Selector {
    return new RequirementsSelector([...this.reqs, ...reqs].sort(byKey));
  }

  requiresExactMatch(label: string): string | undefined {
    const r = this.reqs.find((x) => x.key === label);
    if (!r) return undefined;
    if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
    return undefined;
  }
}

class NothingSelector implements Selector {
  matches(): boolean {
    return false;
  }
  empty(): boolean {
    return false;
  }
  toString(): string {
    return '';
  }
  requirements(): readonly Requirement[] {
    return [];
  }
  selectable(): boolean {
    return false;
  }
  add(): Selector {
    return this;
  }
  requiresExactMatch(): string | undefined {
    return undefined;
  }
}

const EVERYTHING: Selector = new RequirementsSelector([]);
const NOTHING: Selector = new NothingSelector();

/** A selector that matches every label set. */
export function everything(): Selector {
  return EVERYTHING;
}

/** A selector that matches no label set. */
export function nothing(): Selector {
  return NOTHING;
}

/** True only for the {@link nothing} selector. */
export function matchesNothing(selector: Selector): boolean {
  return selector === NOTHING;
}

/** A selector made of the given requirements (sorted by key). */
export function selectorFromRequirements(reqs: readonly Requirement[]): Selector {
  return reqs.length === 0 ? EVERYTHING : new RequirementsSelector([...reqs].sort(byKey));
}

/**
 * Parse a selector string (`a=b,c!=d,e in (f,g),h notin (i),j,!k,l>3`).
 * The empty string selects everything. Throws LabelSelectorParseError.
 */
export function parseSelector(selector: string, path?: FieldPathLike): Selector {
  return selectorFromRequirements(parseRequirements(selector, path));
}

type StringMap = Readonly<Record<string, string>> | ReadonlyMap<string, string> | null | undefined;

function entries(set: StringMap): [string, string][] {
  if (!set) return [];
  return set instanceof Map ? [...(set as ReadonlyMap<string, string>).entries()] : Object.entries(set);
}

/**
 * A selector requiring exactly the given key/value pairs. An empty or
 * missing set selects everything. Values are not validated.
 */
export function selectorFromSet(set: StringMap): Selector {
  const reqs = entries(set).map(([k, v]) => new Requirement(k, '=', [v]));
  return selectorFromRequirements(reqs);
}

/** Alias of {@link selectorFromSet} for callers that already validated the set. */
export const selectorFromValidatedSet = selectorFromSet;

/** Like {@link selectorFromSet} but validates keys and values (throws FieldErrorsAggregate). */
export function validatedSelectorFromSet(set: StringMap): Selector {
  return selectorFromRequirements(entries(set).map(([k, v]) => newRequirement(k, '=', [v])));
}
