import { FieldError, fieldErrorToString } from './field-error';

/**
 * Join error messages the way upstream aggregates do: duplicates are
 * dropped, a single message is returned as is, several are wrapped in
 * brackets and separated by ", ".
 */
export function aggregateMessage(messages: readonly string[]): string {
  const seen: string[] = [];
  for (const m of messages) if (!seen.includes(m)) seen.push(m);
  if (seen.length === 1) return seen[0];
  return '[' + seen.join(', ') + ']';
}

/** An Error carrying a list of field errors (upstream `ErrorList.ToAggregate()`). */
export class FieldErrorsAggregate extends Error {
  override readonly name = 'FieldErrorsAggregate';
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    super(aggregateMessage(errors.map(fieldErrorToString)));
    this.errors = errors;
  }
}

/**
 * Aggregate field errors into a single Error, dropping errors whose message
 * duplicates an earlier one. Returns undefined for an empty list.
 */
export function aggregateFieldErrors(errors: readonly FieldError[]): FieldErrorsAggregate | undefined {
  if (errors.length === 0) return undefined;
  const seen = new Set<string>();
  const unique: FieldError[] = [];
  for (const e of errors) {
    const msg = fieldErrorToString(e);
    if (seen.has(msg)) continue;
    seen.add(msg);
    unique.push(e);
  }
  return new FieldErrorsAggregate(unique);
}
