// Service defaulting (upstream SetDefaults_Service). Runs on create and on
// every update, after prepareForCreate / prepareForUpdate.
import { INT_OR_STRING_INT, intOrStringValue, type Service } from '@k8ts/api';
import { DEFAULT_CLIENT_IP_TIMEOUT_SECONDS, externallyAccessible } from './service-helpers';

export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});

  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') spec.sessionAffinityConfig = undefined;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } };
  }

  if (!spec.type) spec.type = 'ClusterIP';

  for (const port of spec.ports ?? []) {
    if (!port.protocol) port.protocol = 'TCP';
    // An unset, zero or empty targetPort means "the same as port".
    const target = intOrStringValue(port.targetPort);
    if (target === undefined || target === 0 || target === '') {
      port.targetPort = { type: INT_OR_STRING_INT, intVal: port.port ?? 0 };
    }
  }

  if (externallyAccessible(svc) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';

  if (!spec.internalTrafficPolicy && (spec.type === 'ClusterIP' || spec.type === 'NodePort' || spec.type === 'LoadBalancer')) {
    spec.internalTrafficPolicy = 'Cluster';
  }

  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    spec.allocateLoadBalancerNodePorts = true;
  }

  // Upstream picks the IP family policy while allocating. k8ts clusters are
  // single-stack, so every service that gets a cluster IP (or "None") is
  // SingleStack unless the client asked otherwise.
  if (spec.type !== 'ExternalName' && !spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';

  if (spec.type === 'LoadBalancer') {
    for (const ingress of svc.status?.loadBalancer?.ingress ?? []) {
      if (ingress.ip && !ingress.ipMode) ingress.ipMode = 'VIP';
    }
  }
}
