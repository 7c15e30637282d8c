// An in-memory Dataplane for tests: keeps the served rules and a log of the
// operations, and can be told to fail some rules.
import type { ProxyRule, RuleDiff } from '../proxy/rules';
import type { ApplyResult, Dataplane } from './dataplane';

export type FakeOp = `${'add' | 'update' | 'remove'} ${string}`;

export class FakeDataplane implements Dataplane {
  readonly rules = new Map<string, ProxyRule>();
  readonly ops: FakeOp[] = [];
  applies = 0;
  closed = false;
  /** Rule keys that fail to apply (as an address in use would). */
  readonly failing = new Set<string>();

  async apply(diff: RuleDiff): Promise<ApplyResult> {
    this.applies++;
    const failed: ApplyResult['failed'] = [];
    for (const r of diff.removed) {
      this.rules.delete(r.key);
      this.ops.push(`remove ${r.key}`);
    }
    for (const [op, list] of [['add', diff.added], ['update', diff.updated]] as const) {
      for (const r of list) {
        if (this.failing.has(r.key)) {
          failed.push({ rule: r, error: new Error(`listen ${r.key}: EADDRINUSE`) });
          continue;
        }
        this.rules.set(r.key, r);
        this.ops.push(`${op} ${r.key}`);
      }
    }
    return { failed };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.rules.clear();
  }

  /** "KEY action backends" lines, sorted: a compact picture for table tests. */
  summary(): string[] {
    return [...this.rules.values()]
      .map((r) => `${r.key} ${r.kind} ${r.action}${r.backends.length ? ' ' + r.backends.map((b) => `${b.ip}:${b.port}`).join(',') : ''}${r.stickyMaxAgeSeconds ? ` sticky=${r.stickyMaxAgeSeconds}` : ''}${r.sourceRanges.length ? ` from=${r.sourceRanges.join(',')}` : ''}${r.inClusterBackends.length ? ` incluster=${r.inClusterBackends.map((b) => `${b.ip}:${b.port}`).join(',')}` : ''}`)
      .sort();
  }
}
