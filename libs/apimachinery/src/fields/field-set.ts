import { goQuote } from '../util/go-compat';
import { FieldSelector, FieldTransform, parseFieldSelector } from './selector';

/** Extraction of selectable field values from objects, and per-kind field label support. */

/** Field label -> value for one object (`{'metadata.name': 'foo', ...}`). */
export type FieldSet = Record<string, string>;

/** Computes one field's value from an object; undefined reads as ''. */
export type FieldExtractor = (obj: unknown) => string | undefined;

/** Fields `fieldSetFor` extracts when no list is given. */
export const DEFAULT_SELECTABLE_FIELDS: readonly string[] = [
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'status.phase',
];

/**
 * Read a dotted path (`involvedObject.name`) from a plain object. Strings
 * are returned as is, numbers/booleans/bigints stringified; anything else
 * (missing, null, objects) gives undefined.
 */
export function getFieldValue(obj: unknown, dottedPath: string): string | undefined {
  let cur: unknown = obj;
  for (const part of dottedPath.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const rec = cur as Record<string, unknown>;
    cur = Object.prototype.hasOwnProperty.call(rec, part) ? rec[part] : undefined;
  }
  switch (typeof cur) {
    case 'string':
      return cur;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(cur);
    default:
      return undefined;
  }
}

/** Extra fields for {@link fieldSetFor}: dotted paths, or label -> (path | extractor). */
export type ExtraFields = readonly string[] | Readonly<Record<string, string | FieldExtractor>>;

/**
 * The selectable fields of an object: `metadata.name`, `metadata.namespace`,
 * `spec.nodeName` and `status.phase` (missing ones as ''), plus `extra`
 * fields, e.g. `['involvedObject.name']` or
 * `{'spec.hostNetwork': (o) => String(Boolean(...))}`.
 */
export function fieldSetFor(obj: unknown, extra?: ExtraFields): FieldSet {
  const set: FieldSet = {};
  for (const f of DEFAULT_SELECTABLE_FIELDS) set[f] = getFieldValue(obj, f) ?? '';
  if (Array.isArray(extra)) {
    for (const f of extra as readonly string[]) set[f] = getFieldValue(obj, f) ?? '';
  } else if (extra) {
    for (const [label, how] of Object.entries(extra as Readonly<Record<string, string | FieldExtractor>>)) {
      set[label] = (typeof how === 'function' ? how(obj) : getFieldValue(obj, how)) ?? '';
    }
  }
  return set;
}

/** A field selector used a field label the resource does not support. */
export class FieldLabelNotSupportedError extends Error {
  override readonly name = 'FieldLabelNotSupportedError';

  constructor(
    readonly label: string,
    message: string,
  ) {
    super(message);
  }
}

/** What one kind supports in field selectors. */
export interface SelectableFieldsSpec {
  /** Supported field labels besides `metadata.name` / `metadata.namespace`. */
  fields: readonly string[];
  /** Deprecated labels rewritten to a supported one (`spec.host` -> `spec.nodeName`). */
  aliases?: Readonly<Record<string, string>>;
  /** How to compute a field that is not a plain dotted path. */
  extractors?: Readonly<Record<string, FieldExtractor>>;
}

const META_FIELDS = ['metadata.name', 'metadata.namespace'];

/**
 * Per-kind field label support, mirroring the apiserver's field label
 * conversion functions. Unregistered kinds support only `metadata.name`
 * and `metadata.namespace` and reject others with
 * `"x" is not a known field selector: only "metadata.name", "metadata.namespace"`;
 * registered kinds reject with `field label not supported: x`.
 * Callers turn these errors into a 400 BadRequest with the same message.
 */
export class FieldLabelRegistry {
  private readonly kinds = new Map<string, SelectableFieldsSpec>();

  /** Register (or replace) the selectable fields of `kind`. */
  register(kind: string, spec: SelectableFieldsSpec): this {
    this.kinds.set(kind, spec);
    return this;
  }

  has(kind: string): boolean {
    return this.kinds.has(kind);
  }

  /** Every label accepted for `kind` (aliases excluded). */
  supportedFields(kind: string): string[] {
    const spec = this.kinds.get(kind);
    return [...new Set([...META_FIELDS, ...(spec?.fields ?? [])])];
  }

  /** Resolve one label (following aliases); throws FieldLabelNotSupportedError. */
  convertFieldLabel(kind: string, label: string, value: string): [string, string] {
    const spec = this.kinds.get(kind);
    if (!spec) {
      if (META_FIELDS.includes(label)) return [label, value];
      throw new FieldLabelNotSupportedError(
        label,
        `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    const target = spec.aliases && Object.prototype.hasOwnProperty.call(spec.aliases, label) ? spec.aliases[label] : label;
    if (META_FIELDS.includes(target) || spec.fields.includes(target)) return [target, value];
    throw new FieldLabelNotSupportedError(label, `field label not supported: ${label}`);
  }

  /** A transform for {@link FieldSelector.transform} bound to `kind`. */
  transformFor(kind: string): FieldTransform {
    return (label, value) => this.convertFieldLabel(kind, label, value);
  }

  /** Check/convert every term of `selector` for `kind`; throws FieldLabelNotSupportedError. */
  transformSelector(kind: string, selector: FieldSelector | string): FieldSelector {
    const fn = this.transformFor(kind);
    return typeof selector === 'string' ? parseFieldSelector(selector, fn) : selector.transform(fn);
  }

  /** Labels used by `selector` that `kind` does not support (empty when all are fine). */
  unsupportedLabels(kind: string, selector: FieldSelector): string[] {
    const bad: string[] = [];
    for (const r of selector.requirements()) {
      try {
        this.convertFieldLabel(kind, r.field, r.value);
      } catch (e) {
        if (!(e instanceof FieldLabelNotSupportedError)) throw e;
        if (!bad.includes(r.field)) bad.push(r.field);
      }
    }
    return bad;
  }

  /** The field set of `obj` for matching selectors of `kind`. */
  fieldSetFor(kind: string, obj: unknown): FieldSet {
    const spec = this.kinds.get(kind);
    const set: FieldSet = {};
    for (const f of this.supportedFields(kind)) {
      const exs = spec?.extractors;
      const ex = exs && Object.prototype.hasOwnProperty.call(exs, f) ? exs[f] : undefined;
      set[f] = (ex ? ex(obj) : getFieldValue(obj, f)) ?? '';
    }
    return set;
  }
}
