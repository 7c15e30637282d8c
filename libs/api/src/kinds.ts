// The kind registry: which Kubernetes kinds this codebase serves, where (group,
// version, resource path) and with which generated message type.
//
// Two kinds of entries:
// - resource kinds (Pod, Deployment, ...): have a REST resource and usually a List;
// - meta kinds (Status, DeleteOptions, WatchEvent, discovery documents, ...):
//   no resource. Kubernetes accepts some of them under any group version
//   (a DeleteOptions body sent to apps/v1 says "apiVersion": "apps/v1"), so
//   findKind (kind-lookup.ts) falls back to them whatever the apiVersion.

import {
  APIGroup,
  APIGroupList,
  APIResourceList,
  APIVersions,
  Binding,
  ConfigMap,
  ConfigMapList,
  CreateOptions,
  DeleteOptions,
  Deployment,
  DeploymentList,
  EndpointSlice,
  EndpointSliceList,
  Endpoints,
  EndpointsList,
  Event,
  EventList,
  GetOptions,
  Lease,
  LeaseList,
  ListOptions,
  MessageFns,
  Namespace,
  NamespaceList,
  Node,
  NodeList,
  PartialObjectMetadata,
  PartialObjectMetadataList,
  PatchOptions,
  Pod,
  PodList,
  PodTemplate,
  PodTemplateList,
  ReplicaSet,
  ReplicaSetList,
  Scale,
  Secret,
  SecretList,
  Service,
  ServiceAccount,
  ServiceAccountList,
  ServiceList,
  Status,
  UpdateOptions,
  WatchEvent,
} from './generated';

/** Object types by kind name. */
export interface KindTypes {
  Pod: Pod;
  Service: Service;
  Endpoints: Endpoints;
  Node: Node;
  Namespace: Namespace;
  Event: Event;
  Binding: Binding;
  ConfigMap: ConfigMap;
  Secret: Secret;
  ServiceAccount: ServiceAccount;
  PodTemplate: PodTemplate;
  ReplicaSet: ReplicaSet;
  Deployment: Deployment;
  EndpointSlice: EndpointSlice;
  Lease: Lease;
  Scale: Scale;
  Status: Status;
  DeleteOptions: DeleteOptions;
  ListOptions: ListOptions;
  GetOptions: GetOptions;
  CreateOptions: CreateOptions;
  UpdateOptions: UpdateOptions;
  PatchOptions: PatchOptions;
  WatchEvent: WatchEvent;
  PartialObjectMetadata: PartialObjectMetadata;
  APIResourceList: APIResourceList;
  APIGroupList: APIGroupList;
  APIGroup: APIGroup;
  APIVersions: APIVersions;
}

/** List types by list kind name. */
export interface ListTypes {
  PodList: PodList;
  ServiceList: ServiceList;
  EndpointsList: EndpointsList;
  NodeList: NodeList;
  NamespaceList: NamespaceList;
  EventList: EventList;
  ConfigMapList: ConfigMapList;
  SecretList: SecretList;
  ServiceAccountList: ServiceAccountList;
  PodTemplateList: PodTemplateList;
  ReplicaSetList: ReplicaSetList;
  DeploymentList: DeploymentList;
  EndpointSliceList: EndpointSliceList;
  LeaseList: LeaseList;
  PartialObjectMetadataList: PartialObjectMetadataList;
}

export type KindName = keyof KindTypes;
export type ListKindName = keyof ListTypes;
/** Any registered kind or list kind: the first argument of toJSON/encodeObject... */
export type TypeName = KindName | ListKindName;
/** The TypeScript type of a kind or list kind name. */
export type TypeOf<N extends TypeName> = N extends KindName ? KindTypes[N] : N extends ListKindName ? ListTypes[N] : never;
/** The list type of a kind (never when it has none). */
export type ListOf<K extends KindName> = `${K}List` extends ListKindName ? ListTypes[`${K}List`] : never;

/** Everything known about one kind. */
export interface KindInfo<T = unknown, L = unknown> {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** "v1" for the core group, "group/version" otherwise. */
  readonly apiVersion: string;
  readonly kind: string;
  /** Kind of the list type ("PodList"), if there is one. */
  readonly listKind: string | undefined;
  /** Plural resource name ("pods"); undefined for kinds without a REST collection. */
  readonly resource: string | undefined;
  readonly singular: string | undefined;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  /** Subresources served under the resource ("status", "scale", "binding"). */
  readonly subresources: readonly string[];
  /** Generated message functions of the object and of its list. */
  readonly type: MessageFns<T>;
  readonly listType: MessageFns<L> | undefined;
}

interface KindDef<T, L> {
  group: string;
  version: string;
  kind: string;
  resource?: string;
  shortNames?: string[];
  namespaced?: boolean;
  subresources?: string[];
  type: MessageFns<T>;
  listType?: MessageFns<L>;
}

function define<T, L = never>(def: KindDef<T, L>): KindInfo<T, L> {
  const listKind = def.listType ? `${def.kind}List` : undefined;
  return Object.freeze({
    group: def.group,
    version: def.version,
    apiVersion: def.group === '' ? def.version : `${def.group}/${def.version}`,
    kind: def.kind,
    listKind,
    resource: def.resource,
    singular: def.resource ? def.kind.toLowerCase() : undefined,
    shortNames: Object.freeze([...(def.shortNames ?? [])]),
    namespaced: def.namespaced ?? false,
    subresources: Object.freeze([...(def.subresources ?? [])]),
    type: def.type,
    listType: def.listType,
  });
}

const V1 = { group: '', version: 'v1' };
const APPS_V1 = { group: 'apps', version: 'v1' };
const META_V1 = { group: 'meta.k8s.io', version: 'v1' };

/** The registry, by kind name. */
export const KINDS: { readonly [K in KindName]: KindInfo<KindTypes[K], ListOf<K>> } = Object.freeze({
  // core/v1
  Pod: define({
    ...V1, kind: 'Pod', resource: 'pods', shortNames: ['po'], namespaced: true,
    subresources: ['status', 'binding'], type: Pod, listType: PodList,
  }),
  Service: define({
    ...V1, kind: 'Service', resource: 'services', shortNames: ['svc'], namespaced: true,
    subresources: ['status'], type: Service, listType: ServiceList,
  }),
  Endpoints: define({
    ...V1, kind: 'Endpoints', resource: 'endpoints', shortNames: ['ep'], namespaced: true,
    type: Endpoints, listType: EndpointsList,
  }),
  Node: define({
    ...V1, kind: 'Node', resource: 'nodes', shortNames: ['no'],
    subresources: ['status'], type: Node, listType: NodeList,
  }),
  Namespace: define({
    ...V1, kind: 'Namespace', resource: 'namespaces', shortNames: ['ns'],
    subresources: ['status', 'finalize'], type: Namespace, listType: NamespaceList,
  }),
  Event: define({
    ...V1, kind: 'Event', resource: 'events', shortNames: ['ev'], namespaced: true,
    type: Event, listType: EventList,
  }),
  // Also served as the pods/binding subresource.
  Binding: define({ ...V1, kind: 'Binding', resource: 'bindings', namespaced: true, type: Binding }),
  ConfigMap: define({
    ...V1, kind: 'ConfigMap', resource: 'configmaps', shortNames: ['cm'], namespaced: true,
    type: ConfigMap, listType: ConfigMapList,
  }),
  Secret: define({ ...V1, kind: 'Secret', resource: 'secrets', namespaced: true, type: Secret, listType: SecretList }),
  ServiceAccount: define({
    ...V1, kind: 'ServiceAccount', resource: 'serviceaccounts', shortNames: ['sa'], namespaced: true,
    type: ServiceAccount, listType: ServiceAccountList,
  }),
  PodTemplate: define({
    ...V1, kind: 'PodTemplate', resource: 'podtemplates', namespaced: true,
    type: PodTemplate, listType: PodTemplateList,
  }),
  // apps/v1
  ReplicaSet: define({
    ...APPS_V1, kind: 'ReplicaSet', resource: 'replicasets', shortNames: ['rs'], namespaced: true,
    subresources: ['status', 'scale'], type: ReplicaSet, listType: ReplicaSetList,
  }),
  Deployment: define({
    ...APPS_V1, kind: 'Deployment', resource: 'deployments', shortNames: ['deploy'], namespaced: true,
    subresources: ['status', 'scale'], type: Deployment, listType: DeploymentList,
  }),
  // discovery.k8s.io/v1, coordination.k8s.io/v1
  EndpointSlice: define({
    group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', resource: 'endpointslices', namespaced: true,
    type: EndpointSlice, listType: EndpointSliceList,
  }),
  Lease: define({
    group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', resource: 'leases', namespaced: true,
    type: Lease, listType: LeaseList,
  }),
  // autoscaling/v1 Scale: only served as the scale subresource of deployments and replicasets.
  Scale: define({ group: 'autoscaling', version: 'v1', kind: 'Scale', namespaced: true, type: Scale }),
  // meta kinds: no resource
  Status: define({ ...V1, kind: 'Status', type: Status }),
  DeleteOptions: define({ ...META_V1, kind: 'DeleteOptions', type: DeleteOptions }),
  ListOptions: define({ ...META_V1, kind: 'ListOptions', type: ListOptions }),
  GetOptions: define({ ...META_V1, kind: 'GetOptions', type: GetOptions }),
  CreateOptions: define({ ...META_V1, kind: 'CreateOptions', type: CreateOptions }),
  UpdateOptions: define({ ...META_V1, kind: 'UpdateOptions', type: UpdateOptions }),
  PatchOptions: define({ ...META_V1, kind: 'PatchOptions', type: PatchOptions }),
  WatchEvent: define({ ...META_V1, kind: 'WatchEvent', type: WatchEvent }),
  PartialObjectMetadata: define({
    ...META_V1, kind: 'PartialObjectMetadata', type: PartialObjectMetadata, listType: PartialObjectMetadataList,
  }),
  // discovery documents
  APIResourceList: define({ ...V1, kind: 'APIResourceList', type: APIResourceList }),
  APIGroupList: define({ ...V1, kind: 'APIGroupList', type: APIGroupList }),
  APIGroup: define({ ...V1, kind: 'APIGroup', type: APIGroup }),
  APIVersions: define({ ...V1, kind: 'APIVersions', type: APIVersions }),
});
