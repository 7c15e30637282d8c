// The four PATCH content types the apiserver accepts, and the 415 for others.
import { StatusError } from '@k8ts/apimachinery';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const MEDIA_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Media types listed in the 415 message, in upstream's order. */
export const SUPPORTED_PATCH_MEDIA_TYPES = Object.keys(MEDIA_TYPES);

/**
 * The patch type of a Content-Type header (parameters such as charset are
 * ignored); undefined for anything else, including application/apply-patch+cbor.
 */
export function patchTypeOf(contentType: string): PatchType | undefined {
  const media = contentType.split(';')[0].trim().toLowerCase();
  return MEDIA_TYPES[media];
}

/** 415 UnsupportedMediaType for a PATCH body we cannot interpret. */
export function newUnsupportedPatchType(contentType: string): StatusError {
  return new StatusError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: ${SUPPORTED_PATCH_MEDIA_TYPES.join(', ')}`,
    details: contentType ? { causes: [{ reason: 'UnsupportedMediaType', message: contentType }] } : undefined,
  });
}
