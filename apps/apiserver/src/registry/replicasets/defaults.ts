// apps/v1 ReplicaSet defaults: one replica and a defaulted pod template.
// The selector is not derived from the template labels in apps/v1.
import type { ReplicaSet } from '@k8ts/api';
import { setPodTemplateSpecDefaults } from '../podtemplate/defaults';

export function setReplicaSetDefaults(rs: ReplicaSet): void {
  const spec = (rs.spec ??= {});
  spec.replicas ??= 1;
  setPodTemplateSpecDefaults(spec.template);
}
