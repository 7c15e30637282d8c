// `$(VAR)` expansion as the Kubernetes API defines it for env values,
// command and args:
// - `$(NAME)` is replaced by NAME's value when NAME is known, and left as
//   written (`$(NAME)`) when it is not;
// - `$$` is an escaped `$` (so `$$(NAME)` yields the literal `$(NAME)`);
// - any other `$` (including an unterminated `$(`) is kept as is.

/** Looks a name up in each map in turn; unknown names expand to `$(name)`. */
export function mappingFor(...maps: Readonly<Record<string, string>>[]): (name: string) => string {
  return (name) => {
    for (const m of maps) {
      if (Object.prototype.hasOwnProperty.call(m, name)) return m[name];
    }
    return `$(${name})`;
  };
}

export function expand(input: string, mapping: (name: string) => string): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') {
      out += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close > 0) {
        out += mapping(rest.slice(1, close));
        advance = close + 1;
      } else {
        out += '$(';
      }
    } else {
      out += '$' + rest[0];
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
