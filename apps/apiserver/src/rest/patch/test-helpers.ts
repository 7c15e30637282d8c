// Test-only helpers for the patch specs.
import { StatusError } from '@k8ts/apimachinery';

/** The value at a dotted path ("spec.containers.0.image"). */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The Status of the StatusError `fn` throws. */
export function statusOfError(fn: () => unknown): { code: number; reason: string; message: string; causes: Array<{ reason?: string; message?: string; field?: string }> } {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    const s = err.status;
    return { code: s.code, reason: s.reason, message: s.message, causes: s.details?.causes ?? [] };
  }
  throw new Error('expected a StatusError');
}
