// The pod-template-hash of a Deployment's ReplicaSets (upstream
// controller.ComputeHash): FNV-32a over a canonical rendering of the pod
// template, then the collision count as 8 little-endian bytes (when set),
// the 32-bit sum printed in decimal and mapped onto the name-suffix alphabet
// "bcdfghjklmnpqrstvwxz2456789" (SafeEncodeString). Upstream hashes Go's
// printed struct; k8ts hashes canonical JSON (sorted keys, empty and absent
// fields alike), so the names differ from upstream's but are as stable.
import type { PodTemplateSpec } from '@k8ts/api';
import { safeEncodeString } from '@k8ts/apimachinery';

export const DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY = 'pod-template-hash';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

/**
 * A canonical form for hashing and semantic comparison: keys sorted, and
 * undefined, null, empty objects and empty arrays dropped (upstream's
 * semantic equality treats nil and empty alike).
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    return items.length > 0 ? items : undefined;
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[k]);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value === null ? undefined : value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value) ?? null);
}

export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/** Two templates equal apart from the pod-template-hash label (upstream EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined) => {
    const labels = { ...(t?.metadata?.labels ?? {}) };
    delete labels[DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY];
    return { ...t, metadata: { ...t?.metadata, labels } };
  };
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}
