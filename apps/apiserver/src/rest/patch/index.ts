// PATCH for the Kubernetes REST API: the four patch types, server-side apply
// and managedFields bookkeeping for other writes. The router decodes the
// request, fetches the current object, calls applyPatch and stores the result.
import { newBadRequest } from '@k8ts/apimachinery';
import { applyJsonPatch } from './json-patch';
import { applyMergePatch } from './merge-patch';
import { type PatchType } from './patch-type';
import { serverSideApply } from './server-side-apply';
import { applyStrategicMergePatch } from './strategic-merge';

export { newUnsupportedPatchType, patchTypeOf, SUPPORTED_PATCH_MEDIA_TYPES, type PatchType } from './patch-type';
export { recordUpdateManagedFields } from './managed-fields';
export { BEFORE_FIRST_APPLY } from './server-side-apply';

export interface PatchRequest {
  patchType: PatchType;
  kind: string;
  apiVersion: string;
  current: Record<string, unknown> | undefined;
  patch: string;
  fieldManager?: string;
  force?: boolean;
  now: Date;
  subresource?: string;
}

/**
 * Returns the patched object (Kubernetes JSON form); `current` is not
 * modified. Throws apimachinery Status errors (BadRequest, Invalid,
 * Conflict). `current` undefined is only valid for 'apply' (create).
 */
export function applyPatch(req: PatchRequest): Record<string, unknown> {
  if (req.force && req.patchType !== 'apply') throw newBadRequest('force is only allowed for apply patches');
  if (req.patchType === 'apply') return serverSideApply(req);
  if (!req.current) throw newBadRequest(`the object to patch was not given (${req.patchType} patch needs an existing object)`);
  switch (req.patchType) {
    case 'json':
      return applyJsonPatch(req.current, req.patch);
    case 'merge':
      return applyMergePatch(req.current, req.patch);
    case 'strategic':
      return applyStrategicMergePatch(req.current, req.patch, req.kind);
  }
}
