// Where a pods/log or pods/exec request goes: the kubelet API of the pod's node.
export interface KubeletTarget {
  host: string;
  port: number;
  namespace: string;
  pod: string;
  /** Container name; the kubelet picks the pod's first container when absent. */
  container?: string;
  /**
   * Optional: why the container has not started (its status' waiting reason,
   * e.g. "ContainerCreating"), used in the 400 when the kubelet has no such
   * container yet. Defaults to ContainerCreating.
   */
  waitingReason?: string;
}

/** The kubelet path for a subresource (`containerLogs` or `exec`) of the target's container. */
export function kubeletPath(kind: 'containerLogs' | 'exec', t: KubeletTarget, query: URLSearchParams): string {
  const parts = [kind, t.namespace, t.pod, ...(t.container ? [t.container] : [])].map(encodeURIComponent);
  const q = query.toString();
  return `/${parts.join('/')}${q ? `?${q}` : ''}`;
}

/** Host for a URL or Host header (IPv6 literals in brackets). */
export function hostPort(t: KubeletTarget): string {
  return `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

/** Copies the named query parameters (all values, in order). */
export function pickQuery(query: URLSearchParams, names: readonly string[]): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of query) if (names.includes(k)) out.append(k, v);
  return out;
}
