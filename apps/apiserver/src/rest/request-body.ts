// Reading and decoding request bodies: Kubernetes JSON, YAML, and enveloped
// protobuf (application/vnd.kubernetes.protobuf, what kubectl create
// deployment|namespace|service sends).
import type { IncomingMessage } from 'node:http';
import { decodeK8sProtobuf, findKind, fromJSONAs, toJSON } from '@k8ts/api';
import { newBadRequest, newRequestEntityTooLarge, StatusError } from '@k8ts/apimachinery';
import { parse as parseYaml } from 'yaml';
import { mediaTypeOf, PROTOBUF_CONTENT_TYPE } from './negotiation';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw newRequestEntityTooLarge(`the request body is larger than ${limit} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function newUnsupportedMediaType(contentType: string): StatusError {
  return new StatusError({
    status: 'Failure',
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf${contentType ? ` (got ${contentType})` : ''}`,
  });
}

export interface DecodedBody<T = unknown> {
  /** The typed object (ts-proto form). */
  object: T;
  /** The body as Kubernetes JSON (for field validation and patches). */
  json: Record<string, unknown>;
  /** Whether field validation applies (JSON/YAML bodies; protobuf has no unknown fields to report). */
  textual: boolean;
}

/** Parses a JSON or YAML body into a plain object (BadRequest on syntax errors). */
export function parseTextBody(contentType: string, body: Buffer): Record<string, unknown> {
  const media = mediaTypeOf(contentType);
  let value: unknown;
  try {
    value = media === 'application/yaml' || media === 'application/apply-patch+yaml' ? parseYaml(body.toString('utf8')) : JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw newBadRequest(`the request body could not be decoded: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw newBadRequest('the request body must be an object');
  return value as Record<string, unknown>;
}

/**
 * Decodes a body that must be of `kind` (apiVersion `apiVersion`). A body
 * naming another kind or group version is BadRequest, as upstream answers.
 */
export function decodeBody<T>(contentType: string | undefined, body: Buffer, kind: string, apiVersion: string): DecodedBody<T> {
  const media = mediaTypeOf(contentType) || 'application/json';
  if (media === PROTOBUF_CONTENT_TYPE) {
    let decoded;
    try {
      decoded = decodeK8sProtobuf(body);
    } catch (err) {
      throw newBadRequest(`the request body could not be decoded: ${(err as Error).message}`);
    }
    if (decoded.kind !== kind) throw newBadRequest(`the body of the request is a ${decoded.apiVersion} ${decoded.kind}, not a ${apiVersion} ${kind}`);
    return { object: decoded.object as T, json: toJSON(kind as string, decoded.object) as Record<string, unknown>, textual: false };
  }
  if (media !== 'application/json' && media !== 'application/yaml' && media !== '*/*') throw newUnsupportedMediaType(media);
  const json = parseTextBody(media, body);
  const givenKind = typeof json.kind === 'string' ? json.kind : undefined;
  const givenVersion = typeof json.apiVersion === 'string' ? json.apiVersion : undefined;
  if (givenKind !== undefined || givenVersion !== undefined) {
    const match = findKind(givenVersion ?? apiVersion, givenKind ?? kind);
    if (!match || match.name !== kind) {
      throw newBadRequest(`the body of the request is a ${givenVersion ?? ''} ${givenKind ?? ''}, not a ${apiVersion} ${kind}`.replace(/\s+/g, ' '));
    }
  }
  let object: T;
  try {
    object = fromJSONAs(kind as string, json) as T;
  } catch (err) {
    throw newBadRequest(`the request body could not be decoded: ${(err as Error).message}`);
  }
  return { object, json, textual: true };
}
