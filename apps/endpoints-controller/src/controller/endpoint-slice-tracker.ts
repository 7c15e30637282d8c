// EndpointSliceTracker: remembers the generation of every slice this
// controller wrote, and the slices it deleted, so that it can tell (upstream
// k8s.io/endpointslice/util EndpointSliceTracker):
//  - whether the informer cache already shows its own writes (a sync on a
//    stale cache would create duplicate slices or fight its own updates);
//  - whether a slice event is an echo of its own write (no resync needed).
// The apiserver bumps an EndpointSlice's generation whenever its content or
// labels change, so generations order the controller's writes.
import { makeKey, type EndpointSlice, type Service } from '@k8ts/api';
import { LABEL_SERVICE_NAME } from '../common/well-known';

/** Marks a slice the controller deleted and expects to see go away. */
const DELETION_EXPECTED = -1;

function uidOf(slice: EndpointSlice): string {
  return slice.metadata?.uid ?? '';
}

export class EndpointSliceTracker {
  /** Service key → slice uid → generation written (or DELETION_EXPECTED). */
  private readonly generations = new Map<string, Map<string, number>>();

  private serviceKeyOf(slice: EndpointSlice): string | undefined {
    const service = slice.metadata?.labels?.[LABEL_SERVICE_NAME];
    return service ? makeKey(slice.metadata?.namespace, service) : undefined;
  }

  private forSlice(slice: EndpointSlice, create: boolean): Map<string, number> | undefined {
    const key = this.serviceKeyOf(slice);
    if (key === undefined) return undefined;
    let gens = this.generations.get(key);
    if (!gens && create) {
      gens = new Map();
      this.generations.set(key, gens);
    }
    return gens;
  }

  /** Whether the slice is tracked at all. */
  has(slice: EndpointSlice): boolean {
    return this.forSlice(slice, false)?.has(uidOf(slice)) ?? false;
  }

  /** Records a slice as written (create or update response). */
  update(slice: EndpointSlice): void {
    this.forSlice(slice, true)?.set(uidOf(slice), slice.metadata?.generation ?? 0);
  }

  /** Records that the controller deleted the slice. */
  expectDeletion(slice: EndpointSlice): void {
    this.forSlice(slice, true)?.set(uidOf(slice), DELETION_EXPECTED);
  }

  /**
   * Whether an add/update event of this slice calls for a resync: the slice
   * is unknown, or newer than the controller's last write of it.
   */
  shouldSync(slice: EndpointSlice): boolean {
    const g = this.forSlice(slice, false)?.get(uidOf(slice));
    return g === undefined || (slice.metadata?.generation ?? 0) > g;
  }

  /**
   * Forgets a deleted slice. True when the controller expected the deletion
   * (or never knew the slice); false when somebody else deleted it, which
   * calls for a resync of its Service.
   */
  handleDeletion(slice: EndpointSlice): boolean {
    const gens = this.forSlice(slice, false);
    if (!gens) return true;
    const g = gens.get(uidOf(slice));
    gens.delete(uidOf(slice));
    return g === undefined || g === DELETION_EXPECTED;
  }

  /**
   * Whether the cached slices of the Service lag behind the controller's
   * writes: a slice older than written, a slice still there although
   * deleted, or a written slice missing.
   */
  staleSlices(service: Service, slices: readonly EndpointSlice[]): boolean {
    const gens = this.generations.get(makeKey(service.metadata?.namespace, service.metadata?.name ?? ''));
    if (!gens) return false;
    const seen = new Set<string>();
    for (const slice of slices) {
      seen.add(uidOf(slice));
      const g = gens.get(uidOf(slice));
      if (g !== undefined && (g === DELETION_EXPECTED || g > (slice.metadata?.generation ?? 0))) return true;
    }
    for (const [uid, g] of gens) {
      if (g !== DELETION_EXPECTED && !seen.has(uid)) return true;
    }
    return false;
  }

  /** Forgets everything about a deleted Service. */
  deleteService(namespace: string, name: string): void {
    this.generations.delete(makeKey(namespace, name));
  }
}
