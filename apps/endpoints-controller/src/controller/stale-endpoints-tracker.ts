// StaleEndpointsTracker: after the controller updates an Endpoints object it
// remembers the resourceVersion it replaced. Seeing that version in the
// cache again means the informer has not caught up with the write yet, and
// syncing on it would compute a needless (and conflicting) update (upstream
// staleEndpointsTracker). resourceVersions are only compared for equality.
import { makeKey, type Endpoints } from '@k8ts/api';

export class StaleEndpointsTracker {
  private readonly replaced = new Map<string, string>();

  private keyOf(ep: Endpoints): string {
    return makeKey(ep.metadata?.namespace, ep.metadata?.name ?? '');
  }

  /** Records that `ep` (as cached) has been superseded by a write. */
  stale(ep: Endpoints): void {
    const rv = ep.metadata?.resourceVersion;
    if (rv) this.replaced.set(this.keyOf(ep), rv);
  }

  /** Whether the cached object is one the controller already replaced. */
  isStale(ep: Endpoints): boolean {
    const rv = ep.metadata?.resourceVersion;
    return rv !== undefined && rv !== '' && this.replaced.get(this.keyOf(ep)) === rv;
  }

  /** Forgets a Service's Endpoints. */
  delete(namespace: string, name: string): void {
    this.replaced.delete(makeKey(namespace, name));
  }
}
