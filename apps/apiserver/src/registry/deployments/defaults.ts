// apps/v1 Deployment defaults: one replica, a RollingUpdate strategy with
// 25% surge and unavailability, history and progress limits, and a
// defaulted pod template.
import { type Deployment, intOrString } from '@k8ts/api';
import { setPodTemplateSpecDefaults } from '../podtemplate/defaults';

export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export function setDeploymentDefaults(d: Deployment): void {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= intOrString('25%');
    ru.maxSurge ??= intOrString('25%');
  }
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  spec.progressDeadlineSeconds ??= DEFAULT_PROGRESS_DEADLINE_SECONDS;
  setPodTemplateSpecDefaults(spec.template);
}
