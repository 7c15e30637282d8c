// Resolves the --controllers flag as kube-controller-manager does: '*' turns
// on every known controller, 'name' turns one on, '-name' turns one off (a
// '-name' wins over '*'). Unknown names are an error.
export class UnknownControllerError extends Error {
  override readonly name = 'UnknownControllerError';
  constructor(
    readonly controller: string,
    known: string[],
  ) {
    super(`unknown controller ${JSON.stringify(controller)} in --controllers (known: ${known.join(', ')})`);
  }
}

export function selectControllers(flag: string[], known: string[]): string[] {
  const on = new Set<string>();
  const off = new Set<string>();
  let all = false;
  for (const item of flag) {
    if (item === '*') {
      all = true;
      continue;
    }
    const negated = item.startsWith('-');
    const name = negated ? item.slice(1) : item;
    if (!known.includes(name)) throw new UnknownControllerError(name, known);
    (negated ? off : on).add(name);
  }
  return known.filter((n) => !off.has(n) && (all || on.has(n)));
}
