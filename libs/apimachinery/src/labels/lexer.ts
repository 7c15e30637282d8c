/** Tokenizer for the label selector syntax. */

export enum Token {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const KEYWORDS: Readonly<Record<string, Token>> = {
  ')': Token.ClosedPar,
  ',': Token.Comma,
  '!': Token.DoesNotExist,
  '==': Token.DoubleEquals,
  '=': Token.Equals,
  '>': Token.GreaterThan,
  in: Token.In,
  '<': Token.LessThan,
  '!=': Token.NotEquals,
  notin: Token.NotIn,
  '(': Token.OpenPar,
};

function keyword(s: string): Token | undefined {
  return Object.prototype.hasOwnProperty.call(KEYWORDS, s) ? KEYWORDS[s] : undefined;
}

/** A token with its text and the offset where it starts in the input. */
export interface ScannedItem {
  tok: Token;
  literal: string;
  pos: number;
}

const END = '\0';

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';
}

export class Lexer {
  private pos = 0;

  constructor(private readonly s: string) {}

  // Returns the next character, or NUL at the end of input (a NUL in the
  // input therefore also ends it, as upstream).
  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++];
    return END;
  }

  private unread(): void {
    this.pos--;
  }

  private scanIdOrKeyword(start: number): ScannedItem {
    let buf = '';
    for (;;) {
      const ch = this.read();
      if (ch === END) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buf += ch;
    }
    return { tok: keyword(buf) ?? Token.Identifier, literal: buf, pos: start };
  }

  private scanSpecialSymbol(start: number): ScannedItem {
    let buf = '';
    let last: { tok: Token; literal: string } | undefined;
    for (;;) {
      const ch = this.read();
      if (ch === END) break;
      if (!isSpecialSymbol(ch)) {
        this.unread();
        break;
      }
      buf += ch;
      const tok = keyword(buf);
      if (tok !== undefined) {
        last = { tok, literal: buf };
      } else if (last) {
        this.unread();
        break;
      }
    }
    if (!last) return { tok: Token.Error, literal: `error expected: keyword found '${buf}'`, pos: start };
    return { ...last, pos: start };
  }

  /** The next token. */
  lex(): ScannedItem {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === END) {
      // Point at a NUL that ended the input, or at the end of the string.
      const at = this.pos > 0 && this.s[this.pos - 1] === END ? this.pos - 1 : this.pos;
      return { tok: Token.EndOfString, literal: '', pos: at };
    }
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol(this.pos) : this.scanIdOrKeyword(this.pos);
  }
}
