// Merge schema of the kinds we serve: how each field merges under strategic
// merge patch (patchStrategy / patchMergeKey struct tags) and how server-side
// apply tracks it (listType / listMapKey / structType / mapType markers).
// Derived by hand from the upstream API types; fields not listed here are
// deduced from their value: objects merge per field, lists are atomic.

export type ListType = 'atomic' | 'map' | 'set';

export interface StructSchema {
  kind: 'struct';
  fields: Readonly<Record<string, FieldSchema>>;
  /** structType=atomic / mapType=atomic: owned and replaced as a whole by apply. */
  atomic?: boolean;
  /** patchStrategy=retainKeys on the field holding this struct. */
  retainKeys?: boolean;
}

export interface MapSchema {
  kind: 'map';
  /** mapType=atomic (e.g. Service spec.selector). */
  atomic?: boolean;
}

export interface ListSchema {
  kind: 'list';
  listType: ListType;
  /** listMapKey: the keys of a listType=map list. */
  keys?: readonly string[];
  elem?: StructSchema;
  /** Strategic merge: patchStrategy=merge with this patchMergeKey (absent for primitive merge lists). */
  mergeKey?: string;
  /** Strategic merge: patchStrategy includes merge (otherwise the list is replaced). */
  merge?: boolean;
  retainKeys?: boolean;
}

export interface ScalarSchema {
  kind: 'scalar';
}

export type FieldSchema = StructSchema | MapSchema | ListSchema | ScalarSchema;

const struct = (fields: Record<string, FieldSchema>, extra: Partial<StructSchema> = {}): StructSchema => ({ kind: 'struct', fields, ...extra });
const map = (atomic = false): MapSchema => ({ kind: 'map', atomic });
const atomicList: ListSchema = { kind: 'list', listType: 'atomic' };
/** A listType=map list that strategic merge also merges by `mergeKey`. */
const keyed = (keys: string[], elem: StructSchema, mergeKey = keys[0], extra: Partial<ListSchema> = {}): ListSchema => ({
  kind: 'list',
  listType: 'map',
  keys,
  elem,
  mergeKey,
  merge: true,
  ...extra,
});
/** A listType=set of scalars that strategic merge unions. */
const mergedSet: ListSchema = { kind: 'list', listType: 'set', merge: true };

const conditions = keyed(['type'], struct({}));

export const OBJECT_META = struct({
  labels: map(),
  annotations: map(),
  ownerReferences: keyed(['uid'], struct({})),
  finalizers: mergedSet,
  managedFields: atomicList,
});

const LABEL_SELECTOR = struct({ matchLabels: map(), matchExpressions: atomicList }, { atomic: true });

const CONTAINER = struct({
  command: atomicList,
  args: atomicList,
  ports: keyed(['containerPort', 'protocol'], struct({}), 'containerPort'),
  env: keyed(['name'], struct({})),
  envFrom: atomicList,
  volumeMounts: keyed(['mountPath'], struct({})),
  volumeDevices: keyed(['devicePath'], struct({})),
  resources: struct({ limits: map(), requests: map(), claims: keyed(['name'], struct({})) }),
  resizePolicy: atomicList,
});

export const POD_SPEC = struct({
  volumes: keyed(['name'], struct({}), 'name', { retainKeys: true }),
  initContainers: keyed(['name'], CONTAINER),
  containers: keyed(['name'], CONTAINER),
  ephemeralContainers: keyed(['name'], CONTAINER),
  imagePullSecrets: keyed(['name'], struct({})),
  hostAliases: keyed(['ip'], struct({})),
  topologySpreadConstraints: keyed(['topologyKey', 'whenUnsatisfiable'], struct({}), 'topologyKey'),
  schedulingGates: keyed(['name'], struct({})),
  resourceClaims: keyed(['name'], struct({}), 'name', { retainKeys: true }),
  nodeSelector: map(true),
  tolerations: atomicList,
  readinessGates: atomicList,
});

const POD_STATUS = struct({
  conditions,
  podIPs: keyed(['ip'], struct({})),
  hostIPs: keyed(['ip'], struct({})),
  containerStatuses: atomicList,
  initContainerStatuses: atomicList,
  ephemeralContainerStatuses: atomicList,
});

const POD_TEMPLATE_SPEC = struct({ metadata: OBJECT_META, spec: POD_SPEC });

const WORKLOAD_STATUS = struct({ conditions });

const KINDS: Readonly<Record<string, StructSchema>> = {
  Pod: struct({ metadata: OBJECT_META, spec: POD_SPEC, status: POD_STATUS }),
  Service: struct({
    metadata: OBJECT_META,
    spec: struct({
      ports: keyed(['port', 'protocol'], struct({}), 'port'),
      selector: map(true),
      clusterIPs: atomicList,
      externalIPs: atomicList,
      ipFamilies: atomicList,
      loadBalancerSourceRanges: atomicList,
    }),
    status: struct({ conditions, loadBalancer: struct({ ingress: atomicList }) }),
  }),
  Endpoints: struct({ metadata: OBJECT_META, subsets: atomicList }),
  EndpointSlice: struct({ metadata: OBJECT_META, endpoints: atomicList, ports: atomicList }),
  Node: struct({
    metadata: OBJECT_META,
    spec: struct({ podCIDRs: mergedSet, taints: atomicList }),
    status: struct({ conditions, addresses: keyed(['type'], struct({})), capacity: map(), allocatable: map(), images: atomicList, volumesInUse: atomicList, volumesAttached: atomicList }),
  }),
  Namespace: struct({ metadata: OBJECT_META, spec: struct({ finalizers: atomicList }), status: struct({ conditions }) }),
  Deployment: struct({
    metadata: OBJECT_META,
    spec: struct({ selector: LABEL_SELECTOR, template: POD_TEMPLATE_SPEC, strategy: struct({}, { retainKeys: true }) }),
    status: WORKLOAD_STATUS,
  }),
  ReplicaSet: struct({ metadata: OBJECT_META, spec: struct({ selector: LABEL_SELECTOR, template: POD_TEMPLATE_SPEC }), status: WORKLOAD_STATUS }),
  ConfigMap: struct({ metadata: OBJECT_META, data: map(), binaryData: map() }),
  Secret: struct({ metadata: OBJECT_META, data: map(), stringData: map() }),
  Event: struct({ metadata: OBJECT_META }),
  Lease: struct({ metadata: OBJECT_META }),
  Scale: struct({ metadata: OBJECT_META }),
};

const DEFAULT_OBJECT = struct({ metadata: OBJECT_META });

/** The schema of a kind's top-level object (unknown kinds get ObjectMeta and deduced fields). */
export function schemaForKind(kind: string): StructSchema {
  return KINDS[kind] ?? DEFAULT_OBJECT;
}

/** The schema of field `name` in `parent`, if known. */
export function fieldSchema(parent: FieldSchema | undefined, name: string): FieldSchema | undefined {
  if (!parent || parent.kind !== 'struct') return undefined;
  return parent.fields[name];
}

/** The element schema of a list (an empty struct when the list's elements are objects without a schema). */
export function elemSchema(list: FieldSchema | undefined): StructSchema | undefined {
  return list && list.kind === 'list' ? list.elem : undefined;
}

