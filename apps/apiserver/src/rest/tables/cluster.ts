// The nodes, namespaces, events and leases tables.
import type { Event, Lease, Namespace, Node } from '@k8ts/api';
import { age, humanDuration } from './human-duration';
import { AGE_COLUMN, column, NAME_COLUMN, orNone, type TablePrinter } from './table';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

export function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const parts = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeAddress(node: Node, type: string): string {
  return orNone((node.status?.addresses ?? []).find((a) => a.type === type)?.address);
}

export const nodePrinter: TablePrinter<Node> = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', { priority: 1 }),
    column('External-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', { priority: 1 }),
    column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', { priority: 1 }),
    column('Kernel-Version', 'string', 'Kernel Version reported by the node from `uname -r` (e.g. 3.16.0-0.bpo.4-amd64).', { priority: 1 }),
    column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', { priority: 1 }),
  ],
  cells: (node, now) => {
    const info = node.status?.nodeInfo;
    return [
      node.metadata?.name ?? '',
      nodeStatus(node),
      nodeRoles(node),
      age(node.metadata?.creationTimestamp, now),
      info?.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      orNone(info?.osImage),
      orNone(info?.kernelVersion),
      orNone(info?.containerRuntimeVersion),
    ];
  },
};

export const namespacePrinter: TablePrinter<Namespace> = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  cells: (ns, now) => [ns.metadata?.name ?? '', ns.status?.phase ?? '', age(ns.metadata?.creationTimestamp, now)],
};

function eventLastSeen(ev: Event, now: Date): string {
  const last = ev.lastTimestamp || ev.eventTime || ev.series?.lastObservedTime || ev.firstTimestamp || ev.metadata?.creationTimestamp;
  const first = ev.firstTimestamp || ev.eventTime || ev.metadata?.creationTimestamp;
  const lastAge = age(last, now);
  const count = ev.series?.count ?? ev.count ?? 1;
  if (count > 1 && first) return `${lastAge} (x${count} over ${humanDuration(Date.parse(last ?? first) - Date.parse(first))})`;
  return lastAge;
}

export const eventPrinter: TablePrinter<Event> = {
  columns: [
    column('Last Seen', 'string', 'Time when last this event was seen'),
    column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    column('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for this event being generated.'),
    column('Object', 'string', 'The object this Event is about.'),
    column('Subobject', 'string', 'The subobject this Event is about.', { priority: 1 }),
    column('Source', 'string', 'The component reporting this event.', { priority: 1 }),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'string', 'The time at which the event was first recorded.', { priority: 1 }),
    column('Count', 'string', 'The number of times this event has occurred.', { priority: 1 }),
    { ...NAME_COLUMN, priority: 1 },
  ],
  cells(ev, now) {
    const io = ev.involvedObject ?? {};
    const source = ev.source?.component ? (ev.source.host ? `${ev.source.component}, ${ev.source.host}` : ev.source.component) : ev.reportingComponent || '';
    return [
      eventLastSeen(ev, now),
      ev.type ?? '',
      ev.reason ?? '',
      `${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
      io.fieldPath ?? '',
      source,
      (ev.message ?? '').trim(),
      age(ev.firstTimestamp || ev.eventTime, now),
      String(ev.series?.count ?? ev.count ?? 1),
      ev.metadata?.name ?? '',
    ];
  },
};

export const leasePrinter: TablePrinter<Lease> = {
  columns: [NAME_COLUMN, column('Holder', 'string', 'The holder of the lease'), AGE_COLUMN],
  cells: (lease, now) => [lease.metadata?.name ?? '', lease.spec?.holderIdentity ?? '', age(lease.metadata?.creationTimestamp, now)],
};
