// The kubeconfig `npm start` writes to .k8ts/kubeconfig: one cluster on the
// apiserver's plain-HTTP loopback port, no credentials (k8ts has no authn yet).
import { stringify } from 'yaml';

export function kubeconfig(server: string, name = 'k8ts'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server } }],
    users: [{ name, user: {} }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
