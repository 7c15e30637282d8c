// Defaults that apply to Pods only (not to pod templates), as upstream
// SetDefaults_Pod: requests default to limits, service links are on, and
// host-network pods publish their container ports on the host.
import type { Container, Pod } from '@k8ts/api';
import { setPodSpecDefaults } from '../podtemplate/defaults';

function defaultRequestsToLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits || !c.resources) return;
  const requests = (c.resources.requests ??= {});
  for (const [name, value] of Object.entries(limits)) {
    if (!(name in requests)) requests[name] = value;
  }
}

function defaultHostPorts(containers: readonly Container[] | undefined): void {
  for (const c of containers ?? []) {
    for (const port of c.ports ?? []) {
      if (!port.hostPort) port.hostPort = port.containerPort;
    }
  }
}

/** Fills in the defaults of a Pod in place. Idempotent. */
export function setPodDefaults(pod: Pod): void {
  const spec = (pod.spec ??= {});
  setPodSpecDefaults(spec);
  for (const c of spec.containers ?? []) defaultRequestsToLimits(c);
  for (const c of spec.initContainers ?? []) defaultRequestsToLimits(c);
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    defaultHostPorts(spec.containers);
    defaultHostPorts(spec.initContainers);
  }
}
