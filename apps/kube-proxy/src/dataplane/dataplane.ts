// The seam between syncProxyRules and whatever serves the rules: the
// userspace proxier (real sockets) today, nftables later, an in-memory fake
// in tests. The proxier hands over only the difference to what was applied.
import type { ProxyRule, RuleDiff } from '../proxy/rules';

export interface ApplyResult {
  /** Rules that could not be served (e.g. the address is in use), with why. They are retried on the next sync. */
  failed: { rule: ProxyRule; error: Error }[];
}

export interface Dataplane {
  /** Applies a difference: removed rules stop taking new connections, added/updated ones serve their new state. */
  apply(diff: RuleDiff): Promise<ApplyResult>;
  /** Stops serving everything (shutdown). */
  close(): Promise<void>;
}
