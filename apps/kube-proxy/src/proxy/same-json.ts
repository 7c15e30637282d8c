// Structural equality of plain data (maps, arrays, objects, primitives), as
// the change trackers need it to drop changes that changed nothing.
export function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

function normalize(v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()].sort(([x], [y]) => (String(x) < String(y) ? -1 : 1)).map(([k, x]) => [k, normalize(x)]);
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, normalize((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
