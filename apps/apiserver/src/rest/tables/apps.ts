// The deployments and replicasets tables.
import type { Deployment, PodTemplateSpec, ReplicaSet } from '@k8ts/api';
import { type LabelSelector } from '@k8ts/api';
import { selectorFromLabelSelector } from '@k8ts/apimachinery';
import { age } from './human-duration';
import { AGE_COLUMN, column, NAME_COLUMN, type TablePrinter } from './table';

function containers(t: PodTemplateSpec | undefined): [string, string] {
  const cs = t?.spec?.containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

function selectorText(s: LabelSelector | undefined): string {
  try {
    const text = selectorFromLabelSelector(s).toString();
    return text || '<none>';
  } catch (err) {
    return (err as Error).message;
  }
}

const WIDE = [
  column('Containers', 'string', 'Names of each container in the template.', { priority: 1 }),
  column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 }),
  column('Selector', 'string', 'Label selector for pods.', { priority: 1 }),
];

export const deploymentPrinter: TablePrinter<Deployment> = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE_COLUMN,
    ...WIDE,
  ],
  cells(d, now) {
    const [names, images] = containers(d.spec?.template);
    const st = d.status ?? {};
    return [
      d.metadata?.name ?? '',
      `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      st.updatedReplicas ?? 0,
      st.availableReplicas ?? 0,
      age(d.metadata?.creationTimestamp, now),
      names,
      images,
      selectorText(d.spec?.selector),
    ];
  },
};

export const replicaSetPrinter: TablePrinter<ReplicaSet> = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Number of desired pods.'),
    column('Current', 'integer', 'Number of actual replicas.'),
    column('Ready', 'integer', 'Number of ready replicas.'),
    AGE_COLUMN,
    ...WIDE,
  ],
  cells(rs, now) {
    const [names, images] = containers(rs.spec?.template);
    return [
      rs.metadata?.name ?? '',
      rs.spec?.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      age(rs.metadata?.creationTimestamp, now),
      names,
      images,
      selectorText(rs.spec?.selector),
    ];
  },
};
