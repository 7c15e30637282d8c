import { compareGoStrings, sortGoStrings } from '../util/go-compat';
import { FieldErrorsAggregate } from '../validation/field-error-aggregate';
import { FieldError } from '../validation/field-error';
import { FieldPathLike } from '../validation/field-path';
import { Lexer, ScannedItem, Token } from './lexer';
import { BINARY_OPERATOR_LIST, Operator, Requirement, newRequirement, validateLabelKeyAt } from './requirement';

/**
 * A label selector string could not be parsed. `reason` is the upstream
 * message; `message` adds the offending position; `position` is the offset
 * into the input of the token that triggered the error.
 */
export class LabelSelectorParseError extends Error {
  override readonly name = 'LabelSelectorParseError';

  constructor(
    readonly reason: string,
    readonly position: number,
    readonly input: string,
    /** Present when the failure was a validation error on a key or value. */
    readonly fieldErrors?: readonly FieldError[],
  ) {
    super(`${reason} (at position ${position})`);
  }
}

class Failure {
  constructor(
    readonly message: string,
    readonly pos: number,
    readonly fieldErrors?: readonly FieldError[],
  ) {}
}

enum Context {
  KeyAndOperator,
  Values,
}

class Parser {
  private items: ScannedItem[] = [];
  private position = 0;

  constructor(
    private readonly input: string,
    private readonly path: FieldPathLike,
  ) {}

  private at(i: number, ctx: Context): ScannedItem {
    const item = this.items[i];
    if (ctx === Context.Values && (item.tok === Token.In || item.tok === Token.NotIn)) {
      return { ...item, tok: Token.Identifier };
    }
    return item;
  }

  private lookahead(ctx: Context): ScannedItem {
    return this.at(this.position, ctx);
  }

  private consume(ctx: Context): ScannedItem {
    return this.at(this.position++, ctx);
  }

  parse(): Requirement[] {
    const lexer = new Lexer(this.input);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.tok === Token.EndOfString) break;
    }
    const reqs: Requirement[] = [];
    for (;;) {
      const next = this.lookahead(Context.Values);
      switch (next.tok) {
        case Token.Identifier:
        case Token.DoesNotExist: {
          reqs.push(this.parseRequirementWrapped());
          const t = this.consume(Context.Values);
          if (t.tok === Token.EndOfString) return reqs;
          if (t.tok !== Token.Comma) throw new Failure(`found '${t.literal}', expected: ',' or 'end of string'`, t.pos);
          const t2 = this.lookahead(Context.Values);
          if (t2.tok !== Token.Identifier && t2.tok !== Token.DoesNotExist) {
            throw new Failure(`found '${t2.literal}', expected: identifier after ','`, t2.pos);
          }
          break;
        }
        case Token.EndOfString:
          return reqs;
        default:
          throw new Failure(`found '${next.literal}', expected: !, identifier, or 'end of string'`, next.pos);
      }
    }
  }

  private parseRequirementWrapped(): Requirement {
    try {
      return this.parseRequirement();
    } catch (e) {
      if (e instanceof Failure) throw new Failure('unable to parse requirement: ' + e.message, e.pos, e.fieldErrors);
      throw e;
    }
  }

  private parseRequirement(): Requirement {
    const start = this.lookahead(Context.Values).pos;
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return this.build(key, inferred, [], start);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return this.build(key, operator, sortGoStrings(values), start);
  }

  private build(key: string, op: Operator, values: string[], pos: number): Requirement {
    try {
      return newRequirement(key, op, values, this.path);
    } catch (e) {
      if (e instanceof FieldErrorsAggregate) throw new Failure(e.message, pos, e.errors);
      throw e;
    }
  }

  private parseKeyAndInferOperator(): { key: string; operator?: Operator } {
    let operator: Operator | undefined;
    let t = this.consume(Context.Values);
    if (t.tok === Token.DoesNotExist) {
      operator = '!';
      t = this.consume(Context.Values);
    }
    if (t.tok !== Token.Identifier) throw new Failure(`found '${t.literal}', expected: identifier`, t.pos);
    const keyErr = validateLabelKeyAt(t.literal, this.path);
    if (keyErr) throw new Failure(new FieldErrorsAggregate([keyErr]).message, t.pos, [keyErr]);
    const next = this.lookahead(Context.Values).tok;
    if ((next === Token.EndOfString || next === Token.Comma) && operator !== '!') operator = 'exists';
    return { key: t.literal, operator };
  }

  private parseOperator(): Operator {
    const t = this.consume(Context.KeyAndOperator);
    switch (t.tok) {
      case Token.In:
        return 'in';
      case Token.Equals:
        return '=';
      case Token.DoubleEquals:
        return '==';
      case Token.GreaterThan:
        return 'gt';
      case Token.LessThan:
        return 'lt';
      case Token.NotIn:
        return 'notin';
      case Token.NotEquals:
        return '!=';
      default:
        throw new Failure(`found '${t.literal}', expected: ${BINARY_OPERATOR_LIST}`, t.pos);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume(Context.Values);
    if (open.tok !== Token.OpenPar) throw new Failure(`found '${open.literal}' expected: '('`, open.pos);
    const first = this.lookahead(Context.Values);
    switch (first.tok) {
      case Token.Identifier:
      case Token.Comma: {
        const values = this.parseIdentifiersList();
        const close = this.consume(Context.Values);
        // Upstream reports the first value's text here, not the closing token's.
        if (close.tok !== Token.ClosedPar) throw new Failure(`found '${first.literal}', expected: ')'`, close.pos);
        return values;
      }
      case Token.ClosedPar:
        this.consume(Context.Values);
        return new Set(['']);
      default:
        throw new Failure(`found '${first.literal}', expected: ',', ')' or identifier`, first.pos);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const t = this.consume(Context.Values);
      switch (t.tok) {
        case Token.Identifier: {
          values.add(t.literal);
          const t2 = this.lookahead(Context.Values);
          if (t2.tok === Token.Comma) continue;
          if (t2.tok === Token.ClosedPar) return values;
          throw new Failure(`found '${t2.literal}', expected: ',' or ')'`, t2.pos);
        }
        case Token.Comma: {
          // Empty values are allowed: "(,a)", "(a,)", "(a,,b)".
          if (values.size === 0) values.add('');
          const t2 = this.lookahead(Context.Values);
          if (t2.tok === Token.ClosedPar) {
            values.add('');
            return values;
          }
          if (t2.tok === Token.Comma) values.add('');
          continue;
        }
        default:
          throw new Failure(`found '${t.literal}', expected: ',', or identifier`, t.pos);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(Context.Values);
    if (next.tok === Token.EndOfString || next.tok === Token.Comma) return new Set(['']);
    const t = this.consume(Context.Values);
    if (t.tok === Token.Identifier) return new Set([t.literal]);
    throw new Failure(`found '${t.literal}', expected: identifier`, t.pos);
  }
}

/**
 * Parse a selector string into its requirements, sorted by key. Throws
 * {@link LabelSelectorParseError}. `path` is used in validation messages
 * (upstream prints `<nil>` for a key error when no path is given).
 */
export function parseRequirements(selector: string, path?: FieldPathLike): Requirement[] {
  try {
    const reqs = new Parser(selector, path).parse();
    return reqs.sort((a, b) => compareGoStrings(a.key, b.key));
  } catch (e) {
    if (e instanceof Failure) throw new LabelSelectorParseError(e.message, e.pos, selector, e.fieldErrors);
    throw e;
  }
}
