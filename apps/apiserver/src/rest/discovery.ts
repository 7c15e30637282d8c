// Discovery documents: the legacy forms (APIVersions, APIGroupList, APIGroup,
// APIResourceList) and aggregated discovery (apidiscovery.k8s.io/v2
// APIGroupDiscoveryList), both built from the served resources.
import { createHash } from 'node:crypto';
import { apiVersionOf, groupVersions, type ServedResource } from './served-resources';

/** Short stable hash of a kind's name, in the role of upstream's storageVersionHash. */
function storageVersionHash(r: ServedResource): string {
  return createHash('sha256').update(`${r.group}/${r.version}/${r.kind}`).digest('base64').slice(0, 11);
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]): Record<string, unknown> {
  const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(resources: ServedResource[]): Record<string, unknown> {
  const groups = new Map<string, string[]>();
  for (const gv of groupVersions(resources)) {
    if (gv.group === '') continue;
    groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups].map(([g, vs]) => apiGroup(g, vs)) };
}

/** /apis/{group}; undefined when the group is not served. */
export function apiGroupDocument(resources: ServedResource[], group: string): Record<string, unknown> | undefined {
  const versions = groupVersions(resources).filter((gv) => gv.group === group).map((gv) => gv.version);
  if (versions.length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

/** /api/v1 or /apis/{group}/{version}; undefined when not served. */
export function apiResourceList(resources: ServedResource[], group: string, version: string): Record<string, unknown> | undefined {
  const inGv = resources.filter((r) => r.group === group && r.version === version);
  if (inGv.length === 0) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const r of inGv) {
    out.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
      storageVersionHash: storageVersionHash(r),
    });
    for (const s of r.subresources) {
      out.push({
        name: `${r.resource}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(s.kind.group !== r.group ? { group: s.kind.group, version: s.kind.version } : {}),
        kind: s.kind.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources: out };
}

function discoveryResource(r: ServedResource): Record<string, unknown> {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? { subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: s.kind, verbs: s.verbs })) }
      : {}),
  };
}

/**
 * Aggregated discovery: `legacy` true for /api (the core group only),
 * false for /apis (every named group).
 */
export function aggregatedDiscovery(resources: ServedResource[], legacy: boolean): Record<string, unknown> {
  const items: Record<string, unknown>[] = [];
  const byGroup = new Map<string, Map<string, ServedResource[]>>();
  for (const r of resources) {
    if ((r.group === '') !== legacy) continue;
    const versions = byGroup.get(r.group) ?? new Map<string, ServedResource[]>();
    versions.set(r.version, [...(versions.get(r.version) ?? []), r]);
    byGroup.set(r.group, versions);
  }
  const groups = [...byGroup.keys()].sort();
  for (const group of groups) {
    const versions = byGroup.get(group) ?? new Map<string, ServedResource[]>();
    items.push({
      metadata: group ? { name: group } : {},
      versions: [...versions].map(([version, rs]) => ({ version, resources: rs.map(discoveryResource), freshness: 'Current' })),
    });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '35',
    emulationMajor: '1',
    emulationMinor: '35',
    minCompatibilityMajor: '1',
    minCompatibilityMinor: '34',
    gitVersion: 'v1.35.0-k8ts',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
