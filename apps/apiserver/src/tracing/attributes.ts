// Span attribute names of the apiserver's spans.
//
// k8s.*, messaging.* and rpc.* follow the OpenTelemetry semantic conventions.
// Most of them are still "incubating", and the semantic-conventions package
// asks users to copy incubating names rather than import its unstable entry
// point, so they are spelled out here. k8ts.* names are our own.
import type { Attributes } from '@opentelemetry/api';

export const ATTR_K8S_NAMESPACE_NAME = 'k8s.namespace.name';
export const ATTR_K8S_NODE_NAME = 'k8s.node.name';
/** The object's name when the semantic conventions have no k8s.<kind>.name for its kind. */
export const ATTR_K8S_OBJECT_NAME = 'k8s.object.name';
/** The resource addressed, e.g. "pods" or "deployments.apps". */
export const ATTR_K8S_RESOURCE = 'k8s.resource';

/** The revision a write committed at: the object's new resourceVersion. */
export const ATTR_K8TS_RESOURCE_VERSION = 'k8ts.resource_version';
/** ADDED, MODIFIED or DELETED: the change event a write produced. */
export const ATTR_K8TS_EVENT_TYPE = 'k8ts.event.type';
/** "status" for UpdateStatus. */
export const ATTR_K8TS_SUBRESOURCE = 'k8ts.subresource';

export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const MESSAGING_SYSTEM_NATS = 'nats';

export const ATTR_RPC_SYSTEM = 'rpc.system';
export const ATTR_RPC_SERVICE = 'rpc.service';
export const ATTR_RPC_METHOD = 'rpc.method';
export const ATTR_RPC_GRPC_STATUS_CODE = 'rpc.grpc.status_code';

/** Stable: the class of error an operation ended with (here the Status reason, or the error's name). */
export const ATTR_ERROR_TYPE = 'error.type';

/** Kinds the semantic conventions name (k8s.<kind>.name), by "<resource>.<group>". */
const SEMCONV_KINDS: Readonly<Record<string, string>> = {
  'pods.': 'pod',
  'nodes.': 'node',
  'namespaces.': 'namespace',
  'services.': 'service',
  'replicationcontrollers.': 'replicationcontroller',
  'resourcequotas.': 'resourcequota',
  'persistentvolumes.': 'persistentvolume',
  'persistentvolumeclaims.': 'persistentvolumeclaim',
  'deployments.apps': 'deployment',
  'replicasets.apps': 'replicaset',
  'statefulsets.apps': 'statefulset',
  'daemonsets.apps': 'daemonset',
  'jobs.batch': 'job',
  'cronjobs.batch': 'cronjob',
  'horizontalpodautoscalers.autoscaling': 'hpa',
  'storageclasses.storage.k8s.io': 'storageclass',
};

/** The attribute that names an object of this resource: k8s.pod.name, k8s.deployment.name, … or k8s.object.name. */
export function nameAttribute(group: string, resource: string): string {
  const kind = SEMCONV_KINDS[`${resource}.${group}`];
  return kind ? `k8s.${kind}.name` : ATTR_K8S_OBJECT_NAME;
}

export interface ObjectRef {
  group: string;
  /** Plural resource name, e.g. "pods". */
  resource: string;
  namespace?: string;
  name?: string;
}

/**
 * The attributes that say which object (or collection) an operation is
 * about: k8s.resource, k8s.namespace.name and the object's name attribute.
 */
export function objectAttributes(ref: ObjectRef): Attributes {
  const attrs: Attributes = { [ATTR_K8S_RESOURCE]: ref.group ? `${ref.resource}.${ref.group}` : ref.resource };
  if (ref.namespace) attrs[ATTR_K8S_NAMESPACE_NAME] = ref.namespace;
  if (ref.name) attrs[nameAttribute(ref.group, ref.resource)] = ref.name;
  return attrs;
}
