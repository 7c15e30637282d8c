// Lookups in the kind registry (kinds.ts): by kind name, by apiVersion + kind
// (GVK) and by resource name the way kubectl and the k8ts gRPC API spell it.

import { UnknownKindError, UnknownResourceError } from './errors';
import { MessageFns } from './generated';
import { KindInfo, KindName, KINDS, KindTypes, ListOf, TypeName } from './kinds';

/** All registered kinds. */
export const ALL_KINDS: readonly KindInfo[] = Object.freeze(Object.values(KINDS) as KindInfo[]);

/** Kinds that Kubernetes accepts under any apiVersion (see kinds.ts). */
const ANY_VERSION_KINDS = new Set<string>(['Status', 'DeleteOptions', 'ListOptions', 'GetOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions', 'WatchEvent']);

/** A kind or list kind resolved to its registry entry. */
export interface TypeMatch {
  readonly name: TypeName;
  readonly info: KindInfo;
  /** True for the list kind ("PodList"). */
  readonly list: boolean;
  /** The generated message functions of exactly this type (the list's for a list kind). */
  readonly type: MessageFns<unknown>;
}

const BY_NAME = new Map<string, TypeMatch>();
const BY_GVK = new Map<string, TypeMatch>();
for (const info of ALL_KINDS) {
  const own: TypeMatch = { name: info.kind as TypeName, info, list: false, type: info.type };
  BY_NAME.set(info.kind, own);
  BY_GVK.set(`${info.apiVersion} ${info.kind}`, own);
  if (info.listKind && info.listType) {
    const list: TypeMatch = { name: info.listKind as TypeName, info, list: true, type: info.listType };
    BY_NAME.set(info.listKind, list);
    BY_GVK.set(`${info.apiVersion} ${info.listKind}`, list);
  }
}

/** Splits "apps/v1" into group "apps" and version "v1" ("v1" is the core group). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Joins group and version into an apiVersion ("v1", "apps/v1"). */
export function formatApiVersion(group: string, version: string): string {
  return group === '' || group === 'core' ? version : `${group}/${version}`;
}

/** Resolves a kind or list kind name ("Pod", "PodList"); undefined when unknown. */
export function findType(name: string): TypeMatch | undefined {
  return BY_NAME.get(name);
}

/** Like findType but throws UnknownKindError. */
export function getType(name: string): TypeMatch {
  const match = BY_NAME.get(name);
  if (!match) throw new UnknownKindError('', name);
  return match;
}

/** The registry entry of a kind name ("Pod"); throws UnknownKindError for unknown names. */
export function getKind<K extends KindName>(kind: K): KindInfo<KindTypes[K], ListOf<K>>;
export function getKind(kind: string): KindInfo;
export function getKind(kind: string): KindInfo {
  const match = BY_NAME.get(kind);
  if (!match || match.list) throw new UnknownKindError('', kind);
  return match.info;
}

/** Resolves apiVersion + kind (or list kind); undefined when unknown. */
export function findKind(apiVersion: string, kind: string): TypeMatch | undefined {
  const exact = BY_GVK.get(`${apiVersion} ${kind}`);
  if (exact) return exact;
  return ANY_VERSION_KINDS.has(kind) ? BY_NAME.get(kind) : undefined;
}

/** Resolves group, version and kind; undefined when unknown. */
export function findGVK(group: string, version: string, kind: string): TypeMatch | undefined {
  return findKind(formatApiVersion(group, version), kind);
}

/** Result of a resource lookup. */
export interface ResourceMatch {
  /** The kind owning the resource (Deployment for "deployments/scale"). */
  readonly parent: KindInfo;
  /** The kind sent and received at that path (Scale for "deployments/scale"). */
  readonly info: KindInfo;
  readonly subresource: string | undefined;
}

const SUBRESOURCE_KINDS: Record<string, KindInfo | undefined> = {
  scale: KINDS.Scale,
  binding: KINDS.Binding,
};

/**
 * Resolves a resource the way kubectl and the k8ts gRPC API name them:
 * "pods", "pod", "po", "deployments.apps", "endpointslices.discovery.k8s.io",
 * optionally with a subresource ("pods/binding", "deployments/scale",
 * "pods/status"). `group` restricts the match ('' or 'core' is the core
 * group). Case-insensitive. Undefined when nothing matches.
 */
export function findResource(resource: string, group?: string): ResourceMatch | undefined {
  const [path, subresource, ...rest] = resource.toLowerCase().split('/');
  if (rest.length > 0 || path === '') return undefined;
  let name = path;
  let wantGroup = group === 'core' ? '' : group;
  const dot = path.indexOf('.');
  if (dot >= 0) {
    name = path.slice(0, dot);
    const dotted = path.slice(dot + 1);
    if (wantGroup !== undefined && wantGroup !== dotted) return undefined;
    wantGroup = dotted;
  }
  const parent = ALL_KINDS.find(
    (k) =>
      k.resource !== undefined &&
      (wantGroup === undefined || k.group === wantGroup) &&
      (k.resource === name || k.singular === name || k.shortNames.includes(name)),
  );
  if (!parent) return undefined;
  if (subresource === undefined) return { parent, info: parent, subresource: undefined };
  if (!parent.subresources.includes(subresource)) return undefined;
  return { parent, info: SUBRESOURCE_KINDS[subresource] ?? parent, subresource };
}

/** Like findResource but throws UnknownResourceError. */
export function getResource(resource: string, group?: string): ResourceMatch {
  const match = findResource(resource, group);
  if (!match) throw new UnknownResourceError(resource, group);
  return match;
}
