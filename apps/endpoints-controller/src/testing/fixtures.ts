// Test fixtures composed over @k8ts/testing's builders (test-only: never
// import from production code).
import { deepCopy, type Container, type EndpointSlice, type Pod, type Service } from '@k8ts/api';
import { newPod, newService, type PodOptions, type ServiceOptions } from '@k8ts/testing';

export interface TestPodOptions extends PodOptions {
  /** Default: "uid-<name>". */
  uid?: string;
  hostname?: string;
  subdomain?: string;
  phase?: string;
  restartPolicy?: string;
  /** Overrides status.podIPs (e.g. dual-stack), keeping status.podIP = the first. */
  podIPs?: string[];
  initContainers?: Container[];
  resourceVersion?: string;
}

/** newPod() plus uid, hostname/subdomain, phase, restartPolicy, extra IPs and sidecars. */
export function testPod(o: TestPodOptions = {}): Pod {
  const pod = newPod(o);
  const meta = pod.metadata ?? {};
  meta.uid = o.uid ?? `uid-${meta.name}`;
  if (o.resourceVersion) meta.resourceVersion = o.resourceVersion;
  const spec = pod.spec ?? {};
  if (o.hostname) spec.hostname = o.hostname;
  if (o.subdomain) spec.subdomain = o.subdomain;
  if (o.restartPolicy) spec.restartPolicy = o.restartPolicy;
  if (o.initContainers) spec.initContainers = o.initContainers;
  if (o.phase) pod.status = { ...pod.status, phase: o.phase };
  if (o.podIPs) pod.status = { ...pod.status, podIP: o.podIPs[0], podIPs: o.podIPs.map((ip) => ({ ip })) };
  return pod;
}

/** `n` ready pods web-000… with IPs 10.1.x.y on node-1. */
export function readyPods(n: number, o: Omit<TestPodOptions, 'name' | 'podIP'> & { prefix?: string; firstIP?: number } = {}): Pod[] {
  const first = o.firstIP ?? 0;
  return Array.from({ length: n }, (_, i) => {
    const k = first + i;
    return testPod({
      ready: true,
      nodeName: 'node-1',
      ...o,
      name: `${o.prefix ?? 'web'}-${String(k).padStart(3, '0')}`,
      podIP: `10.1.${Math.floor(k / 250)}.${(k % 250) + 1}`,
    });
  });
}

export interface TestServiceOptions extends ServiceOptions {
  /** Default: "uid-svc-<name>". */
  uid?: string;
  labels?: Record<string, string>;
  ipFamilies?: string[];
  /** Drop spec.selector entirely (a Service whose endpoints are managed by hand). */
  noSelector?: boolean;
}

/** newService() plus uid, labels and ipFamilies; clusterIP defaults to 127.96.0.20 (pass "None" for headless). */
export function testService(o: TestServiceOptions = {}): Service {
  const svc = newService({ clusterIP: '127.96.0.20', ...o });
  const meta = svc.metadata ?? {};
  meta.uid = o.uid ?? `uid-svc-${meta.name}`;
  if (o.labels) meta.labels = { ...o.labels };
  if (o.ipFamilies && svc.spec) svc.spec.ipFamilies = [...o.ipFamilies];
  if (o.noSelector && svc.spec) delete svc.spec.selector;
  return svc;
}

/** Freezes an object graph, so that any write to it throws (strict mode). */
export function deepFreeze<T>(obj: T): T {
  if (obj !== null && typeof obj === 'object' && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj as object)) deepFreeze(v);
  }
  return obj;
}

/** Names of the pods in a slice, in slice order. */
export function slicePodNames(slice: EndpointSlice): string[] {
  return (slice.endpoints ?? []).map((ep) => ep.targetRef?.name ?? '');
}

/** An independent copy (shorthand). */
export const clone = deepCopy;
