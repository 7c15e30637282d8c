// The table printer of each served resource; resources without one get the
// default NAME / CREATED AT columns, as upstream.
import type { ObjectMeta } from '@k8ts/api';
import { deploymentPrinter, replicaSetPrinter } from './apps';
import { eventPrinter, leasePrinter, namespacePrinter, nodePrinter } from './cluster';
import { podPrinter } from './pods';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './services';
import { column, NAME_COLUMN, type TablePrinter } from './table';

export const defaultPrinter: TablePrinter<{ metadata?: ObjectMeta }> = {
  columns: [NAME_COLUMN, column('Created At', 'date', 'CreationTimestamp is a timestamp representing the server time when this object was created.')],
  cells: (obj) => [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? ''],
};

const PRINTERS: Record<string, TablePrinter<never>> = {
  pods: podPrinter,
  services: servicePrinter,
  endpoints: endpointsPrinter,
  'endpointslices.discovery.k8s.io': endpointSlicePrinter,
  nodes: nodePrinter,
  namespaces: namespacePrinter,
  events: eventPrinter,
  'leases.coordination.k8s.io': leasePrinter,
  'deployments.apps': deploymentPrinter,
  'replicasets.apps': replicaSetPrinter,
};

export function printerFor(resource: string, group: string): TablePrinter<unknown> {
  return (PRINTERS[group ? `${resource}.${group}` : resource] ?? defaultPrinter) as TablePrinter<unknown>;
}
