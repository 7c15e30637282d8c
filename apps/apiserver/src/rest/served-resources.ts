// What the REST API serves: every resource of the registry with its
// discovery facts (verbs, short names, categories, subresources), the way
// upstream's discovery documents describe them.
import type { Registry, RegisteredResource } from '../registry/registry';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface ServedSubresource {
  name: string;
  kind: GroupVersionKind;
  verbs: string[];
}

export interface ServedResource {
  group: string;
  version: string;
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: ServedSubresource[];
  registered: RegisteredResource;
}

const CRUD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];
/** Resources upstream puts in the "all" category (of those served here). */
const ALL_CATEGORY = new Set(['pods', 'services', 'deployments.apps', 'replicasets.apps']);

function subresourcesOf(r: RegisteredResource): ServedSubresource[] {
  const own: GroupVersionKind = { group: r.info.group, version: r.info.version, kind: r.info.kind };
  const subs: ServedSubresource[] = [];
  const has = (name: string) => r.info.subresources.includes(name);
  if (r.resource === 'pods') {
    subs.push({ name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] });
    subs.push({ name: 'exec', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] });
    subs.push({ name: 'log', kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] });
    subs.push({ name: 'portforward', kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] });
  }
  if (has('scale')) subs.push({ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: STATUS_VERBS });
  if (has('status')) subs.push({ name: 'status', kind: own, verbs: STATUS_VERBS });
  return subs.sort((a, b) => a.name.localeCompare(b.name));
}

export function servedResources(registry: Registry): ServedResource[] {
  return registry
    .all()
    .map((r) => ({
      group: r.info.group,
      version: r.info.version,
      resource: r.resource,
      singular: r.info.singular ?? r.info.kind.toLowerCase(),
      kind: r.info.kind,
      namespaced: r.info.namespaced,
      shortNames: [...r.info.shortNames],
      categories: ALL_CATEGORY.has(r.group ? `${r.resource}.${r.group}` : r.resource) ? ['all'] : [],
      verbs: r.resource === 'namespaces' ? CRUD_VERBS.filter((v) => v !== 'deletecollection') : CRUD_VERBS,
      subresources: subresourcesOf(r),
      registered: r,
    }))
    .sort((a, b) => a.resource.localeCompare(b.resource));
}

/** The served group versions, core first, then groups by name. */
export function groupVersions(resources: ServedResource[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resources) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()].sort((a, b) => (a.group === '' ? -1 : b.group === '' ? 1 : a.group.localeCompare(b.group)));
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
