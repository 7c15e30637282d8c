/**
 * A path from the root of an object to one of its fields, rendered the way
 * Kubernetes renders field paths in validation errors:
 * `spec.containers[0].ports[1].containerPort`, `metadata.labels[app]`.
 */
export class FieldPath {
  private constructor(
    /** Field name, or '' when this element is a subscript. */
    private readonly name: string,
    /** Subscript (list index or map key) when `name` is ''. */
    private readonly subscript: string,
    private readonly parent: FieldPath | null,
  ) {}

  /** A new root path: `FieldPath.of('spec', 'containers')` => `spec.containers`. */
  static of(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(name, '', null);
    for (const n of more) p = new FieldPath(n, '', p);
    return p;
  }

  /** The first element of this path. */
  root(): FieldPath {
    return this.parent ? this.parent.root() : this;
  }

  /** A child field (or chain of fields) below this path. */
  child(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(name, '', this);
    for (const n of more) p = new FieldPath(n, '', p);
    return p;
  }

  /** This path subscripted by a list index: `ports[1]`. */
  index(i: number): FieldPath {
    return new FieldPath('', String(i), this);
  }

  /** `parent.key(k)` that also works without a parent (renders as `[k]`). */
  static keyOf(parent: FieldPathLike, k: string): FieldPath {
    return new FieldPath('', k, toPath(parent));
  }

  /** This path subscripted by a map key: `labels[app]`. */
  key(k: string): FieldPath {
    return new FieldPath('', k, this);
  }

  toString(): string {
    const elems: FieldPath[] = [this];
    for (let p = this.parent; p; p = p.parent) elems.push(p);
    let out = '';
    for (let i = elems.length - 1; i >= 0; i--) {
      const e = elems[i];
      if (e.name.length > 0) {
        if (e.parent) out += '.';
        out += e.name;
      } else {
        out += '[' + e.subscript + ']';
      }
    }
    return out;
  }
}

/**
 * Anything accepted where a path is expected. A string is taken as an
 * already-rendered path (`'spec.clusterIPs[0]'`); a missing path renders as
 * `<nil>`, as upstream does.
 */
export type FieldPathLike = FieldPath | string | null | undefined;

// A FieldPath for a path-like value, or null for a missing/empty one.
function toPath(p: FieldPathLike): FieldPath | null {
  if (p === null || p === undefined || p === '') return null;
  return typeof p === 'string' ? FieldPath.of(p) : p;
}

/** Shorthand for {@link FieldPath.of}: `path('metadata').child('name')`. */
export function path(name: string, ...more: string[]): FieldPath {
  return FieldPath.of(name, ...more);
}

/** Render a possibly-missing path (missing paths render as `<nil>`, as upstream does). */
export function pathString(p: FieldPathLike): string {
  if (p === null || p === undefined) return '<nil>';
  return typeof p === 'string' ? p : p.toString();
}

/** `parent.child(name)` that also works when `parent` is missing (the child then becomes a root). */
export function childOf(parent: FieldPathLike, name: string, ...more: string[]): FieldPath {
  const base = toPath(parent);
  return base ? base.child(name, ...more) : FieldPath.of(name, ...more);
}
