// Defaulting for a PodSpec wherever it appears (pods, and the templates of
// ReplicaSets and Deployments), as upstream core/v1 defaulting does for
// PodSpec, Container, Probe, HTTPGetAction, ContainerPort, volumes and
// ObjectFieldSelector. Pod-only defaults live in pods/defaults.ts.
import type { Container, HTTPGetAction, PodSpec, PodTemplateSpec, Probe, Volume } from '@k8ts/api';

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';
/** 0644, the default file mode of secret, configMap and downwardAPI volumes. */
export const DEFAULT_VOLUME_FILE_MODE = 0o644;

/**
 * The tag an image reference names: the text after the last ':' of the last
 * path segment, '' when the reference is pinned by digest only, and 'latest'
 * when it names neither (as docker reference parsing does).
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon >= 0) return lastSegment.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

/** Always for `:latest` (or untagged) images, IfNotPresent otherwise. */
export function defaultImagePullPolicy(image: string): string {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

function setHTTPGetDefaults(action: HTTPGetAction | undefined): void {
  if (!action) return;
  if (!action.path) action.path = '/';
  if (!action.scheme) action.scheme = 'HTTP';
}

/** Probe timing defaults; a zero value counts as unset, as upstream. */
export function setProbeDefaults(probe: Probe | undefined): void {
  if (!probe) return;
  if (!probe.timeoutSeconds) probe.timeoutSeconds = 1;
  if (!probe.periodSeconds) probe.periodSeconds = 10;
  if (!probe.successThreshold) probe.successThreshold = 1;
  if (!probe.failureThreshold) probe.failureThreshold = 3;
  setHTTPGetDefaults(probe.handler?.httpGet);
}

export function setContainerDefaults(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultImagePullPolicy(c.image ?? '');
  if (!c.terminationMessagePath) c.terminationMessagePath = DEFAULT_TERMINATION_MESSAGE_PATH;
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const port of c.ports ?? []) {
    if (!port.protocol) port.protocol = 'TCP';
  }
  for (const env of c.env ?? []) {
    const ref = env.valueFrom?.fieldRef;
    if (ref && !ref.apiVersion) ref.apiVersion = 'v1';
  }
  setProbeDefaults(c.livenessProbe);
  setProbeDefaults(c.readinessProbe);
  setProbeDefaults(c.startupProbe);
  setHTTPGetDefaults(c.lifecycle?.postStart?.httpGet);
  setHTTPGetDefaults(c.lifecycle?.preStop?.httpGet);
}

export function setVolumeDefaults(v: Volume): void {
  const src = (v.volumeSource ??= {});
  if (!Object.values(src).some((s) => s !== undefined && s !== null)) src.emptyDir = {};
  if (src.secret) src.secret.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
  if (src.configMap) src.configMap.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
  if (src.downwardAPI) {
    src.downwardAPI.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
    for (const item of src.downwardAPI.items ?? []) {
      if (item.fieldRef && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
    }
  }
  if (src.hostPath) src.hostPath.type ??= '';
}

/** Fills in the PodSpec defaults in place. Idempotent. */
export function setPodSpecDefaults(spec: PodSpec): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  if (!spec.schedulerName) spec.schedulerName = DEFAULT_SCHEDULER_NAME;
  // v1 keeps the deprecated `serviceAccount` as an alias of serviceAccountName.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const c of spec.containers ?? []) setContainerDefaults(c);
  for (const c of spec.initContainers ?? []) setContainerDefaults(c);
  for (const v of spec.volumes ?? []) setVolumeDefaults(v);
}

/** Defaults for the pod template of a workload (its PodSpec only). */
export function setPodTemplateSpecDefaults(template: PodTemplateSpec | undefined): void {
  if (template) setPodSpecDefaults((template.spec ??= {}));
}
