// The environment of a container, as the kubelet builds it
// (makeEnvironmentVariables): the user's env with $(VAR) expansion and
// downward-API field references, Docker-links style service variables, and
// k8ts's own extras (POD_IP, PORT, ...).

import type { Container, EnvVar, Pod, Service } from '@k8ts/api';
import { expand, mappingFor } from './expansion';

export interface ContainerEnvInput {
  pod: Pod;
  container: Container;
  podIP: string;
  hostIP: string;
  nodeName: string;
  /** Services in the pod's namespace plus the default/kubernetes service. */
  services: Service[];
  /** pod.spec.enableServiceLinks (default true). The default/kubernetes service is always linked. */
  enableServiceLinks: boolean;
  /** Cluster DNS (kubelet --cluster-dns / --cluster-domain), for dnsPolicy ClusterFirst pods. */
  clusterDNS?: { server: string; domain: string };
}

/** An env var the kubelet could not resolve and left out. */
export interface SkippedEnvVar {
  name: string;
  reason: string;
}

export interface ContainerEnvResult {
  env: Record<string, string>;
  skipped: SkippedEnvVar[];
}

/** Namespace and names of the API server's own services (always linked). */
const MASTER_SERVICE_NAMESPACE = 'default';
const MASTER_SERVICES = new Set(['kubernetes']);

/** The complete environment of a container. */
export function buildContainerEnv(input: ContainerEnvInput): Record<string, string> {
  return buildContainerEnvDetailed(input).env;
}

/** buildContainerEnv, plus the env vars that were left out and why. */
export function buildContainerEnvDetailed(input: ContainerEnvInput): ContainerEnvResult {
  const { pod, container } = input;
  const skipped: SkippedEnvVar[] = [];

  // Lowest precedence first: k8ts extras, then service links, then user env.
  const extras = k8tsExtras(input);
  const serviceEnv = serviceEnvVars(pod.metadata?.namespace ?? 'default', input.services, input.enableServiceLinks);
  const base: Record<string, string> = { ...extras, ...serviceEnv };

  const user: Record<string, string> = {};
  const mapping = mappingFor(user, base);
  for (const envVar of container.env ?? []) {
    const name = envVar.name;
    if (!name) continue;
    const resolved = resolveEnvVar(envVar, input, mapping);
    if ('reason' in resolved) {
      skipped.push({ name, reason: resolved.reason });
      continue;
    }
    user[name] = resolved.value;
  }

  return { env: { ...base, ...user }, skipped };
}

function resolveEnvVar(
  envVar: EnvVar,
  input: ContainerEnvInput,
  mapping: (name: string) => string,
): { value: string } | { reason: string } {
  if (envVar.value) return { value: expand(envVar.value, mapping) };
  const from = envVar.valueFrom;
  if (!from) return { value: '' };
  if (from.fieldRef) {
    const path = from.fieldRef.fieldPath ?? '';
    const value = podFieldValue(input, path);
    return value === undefined ? { reason: `unsupported fieldRef fieldPath "${path}"` } : { value };
  }
  if (from.configMapKeyRef) return { reason: 'valueFrom.configMapKeyRef is not supported' };
  if (from.secretKeyRef) return { reason: 'valueFrom.secretKeyRef is not supported' };
  if (from.resourceFieldRef) return { reason: 'valueFrom.resourceFieldRef is not supported' };
  return { value: '' };
}

/** The downward-API value of `fieldPath`, or undefined when unsupported. */
export function podFieldValue(
  input: Pick<ContainerEnvInput, 'pod' | 'podIP' | 'hostIP' | 'nodeName'>,
  fieldPath: string,
): string | undefined {
  const { pod } = input;
  const meta = pod.metadata ?? {};
  switch (fieldPath) {
    case 'spec.nodeName':
      return pod.spec?.nodeName || input.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return input.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return input.podIP;
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.annotations':
      return formatMap(meta.annotations);
  }
  const sub = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(fieldPath);
  if (sub) {
    const map = sub[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[sub[2]] ?? '';
  }
  return undefined;
}

/** `key="value"` lines sorted by key, as the downward API formats whole maps. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map?.[k] ?? '')}`)
    .join('\n');
}

function k8tsExtras(input: ContainerEnvInput): Record<string, string> {
  const { pod, container } = input;
  const name = pod.metadata?.name ?? '';
  const extras: Record<string, string> = {
    POD_IP: input.podIP,
    POD_NAME: name,
    POD_NAMESPACE: pod.metadata?.namespace ?? 'default',
    NODE_NAME: input.nodeName,
    HOSTNAME: pod.spec?.hostname || name,
  };
  const port = container.ports?.find((p) => p.containerPort)?.containerPort;
  if (port) extras.PORT = String(port);
  // Pods share the host's resolv.conf in the process runtime, so the cluster
  // DNS (what resolv.conf would hold) is passed in the environment.
  const policy = pod.spec?.dnsPolicy || 'ClusterFirst';
  if (input.clusterDNS && (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet')) {
    const { server, domain } = input.clusterDNS;
    extras.K8TS_DNS_SERVER = server;
    extras.K8TS_DNS_SEARCH = [`${extras.POD_NAMESPACE}.svc.${domain}`, `svc.${domain}`, domain].join(' ');
  }
  return extras;
}

/**
 * Service link variables for every service the pod sees: the services of
 * its namespace (when enableServiceLinks) and the API server's own service.
 * A service in the pod's namespace wins over a master service of the same name.
 */
export function serviceEnvVars(namespace: string, services: Service[], enableServiceLinks: boolean): Record<string, string> {
  const byName = new Map<string, Service>();
  for (const svc of services) {
    if (!isServiceIPSet(svc)) continue;
    const name = svc.metadata?.name ?? '';
    const ns = svc.metadata?.namespace ?? 'default';
    if (ns === MASTER_SERVICE_NAMESPACE && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, svc);
    } else if (ns === namespace && enableServiceLinks) {
      byName.set(name, svc);
    }
  }
  const env: Record<string, string> = {};
  for (const svc of byName.values()) Object.assign(env, linkVariables(svc));
  return env;
}

/** Whether a service has a cluster IP (not headless, not ExternalName). */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None' && svc.spec?.type !== 'ExternalName';
}

/** `my-svc` → `MY_SVC`. */
export function envVariableName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/** The Docker-links style variables of one service. */
export function linkVariables(svc: Service): Record<string, string> {
  const prefix = envVariableName(svc.metadata?.name ?? '');
  const ip = svc.spec?.clusterIP ?? '';
  const ports = svc.spec?.ports ?? [];
  const env: Record<string, string> = {};
  if (ports.length === 0) return env;

  env[`${prefix}_SERVICE_HOST`] = ip;
  env[`${prefix}_SERVICE_PORT`] = String(ports[0].port ?? 0);
  for (const p of ports) {
    if (p.name) env[`${prefix}_SERVICE_PORT_${envVariableName(p.name)}`] = String(p.port ?? 0);
  }

  ports.forEach((p, i) => {
    const protocol = p.protocol || 'TCP';
    const lower = protocol.toLowerCase();
    const hostPort = joinHostPort(ip, p.port ?? 0);
    const url = `${lower}://${hostPort}`;
    if (i === 0) env[`${prefix}_PORT`] = url;
    const portPrefix = `${prefix}_PORT_${p.port ?? 0}_${protocol.toUpperCase()}`;
    env[portPrefix] = url;
    env[`${portPrefix}_PROTO`] = lower;
    env[`${portPrefix}_PORT`] = String(p.port ?? 0);
    env[`${portPrefix}_ADDR`] = ip;
  });
  return env;
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Expands `$(VAR)` references in a container's command or args against its env (unknown names stay as written). */
export function expandCommand(list: readonly string[] | undefined, env: Readonly<Record<string, string>>): string[] {
  const mapping = mappingFor(env);
  return (list ?? []).map((s) => expand(s, mapping));
}
