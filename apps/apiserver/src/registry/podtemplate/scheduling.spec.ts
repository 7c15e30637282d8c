import type { PodSpec } from '@k8ts/api';
import { path } from '@k8ts/apimachinery';
import { defaultedPodSpec, summarize } from './test-fixtures';
import { validatePodSpec } from './validation';

const errorsFor = (mutate: (s: PodSpec) => void) => summarize(validatePodSpec(defaultedPodSpec(mutate), path('spec')));
const REQUIRED = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution';
const requiredTerms = (...matchExpressions: { key: string; operator: string; values?: string[] }[]) => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } },
});

describe('validatePodSpec scheduling fields', () => {
  it.each([
    { desc: 'Equal toleration', tolerations: [{ key: 'k', operator: 'Equal', value: 'v' }] },
    { desc: 'toleration with an implied Equal operator', tolerations: [{ key: 'k', value: 'v' }] },
    { desc: 'match-everything toleration', tolerations: [{ operator: 'Exists' }] },
    { desc: 'NoExecute toleration with seconds', tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }] },
  ])('accepts a $desc', ({ tolerations }) => {
    expect(errorsFor((s) => (s.tolerations = tolerations))).toEqual([]);
  });

  it.each([
    {
      desc: 'toleration with an unknown operator',
      mutate: (s: PodSpec) => (s.tolerations = [{ key: 'k', operator: 'Like' }]),
      want: ['spec.tolerations[0].operator: FieldValueNotSupported'],
    },
    {
      desc: 'Exists toleration with a value',
      mutate: (s: PodSpec) => (s.tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]),
      want: ['spec.tolerations[0].operator: FieldValueInvalid'],
    },
    {
      desc: 'empty key without Exists',
      mutate: (s: PodSpec) => (s.tolerations = [{ operator: 'Equal', value: 'v' }]),
      want: ['spec.tolerations[0].operator: FieldValueInvalid'],
    },
    {
      desc: 'toleration key that is not a label name',
      mutate: (s: PodSpec) => (s.tolerations = [{ key: 'a b', operator: 'Exists' }]),
      want: ['spec.tolerations[0].key: FieldValueInvalid'],
    },
    {
      desc: 'unknown toleration effect',
      mutate: (s: PodSpec) => (s.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoWay' }]),
      want: ['spec.tolerations[0].effect: FieldValueNotSupported'],
    },
    {
      desc: 'tolerationSeconds without NoExecute',
      mutate: (s: PodSpec) => (s.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }]),
      want: ['spec.tolerations[0].effect: FieldValueInvalid'],
    },
    {
      desc: 'required node affinity without terms',
      mutate: (s: PodSpec) => (s.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } }),
      want: [`${REQUIRED}.nodeSelectorTerms: FieldValueRequired`],
    },
    {
      desc: 'node affinity In without values',
      mutate: (s: PodSpec) => (s.affinity = requiredTerms({ key: 'zone', operator: 'In' })),
      want: [`${REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].values: FieldValueRequired`],
    },
    {
      desc: 'node affinity Exists with values',
      mutate: (s: PodSpec) => (s.affinity = requiredTerms({ key: 'zone', operator: 'Exists', values: ['a'] })),
      want: [`${REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].values: FieldValueForbidden`],
    },
    {
      desc: 'node affinity Gt with two values',
      mutate: (s: PodSpec) => (s.affinity = requiredTerms({ key: 'cores', operator: 'Gt', values: ['1', '2'] })),
      want: [`${REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].values: FieldValueRequired`],
    },
    {
      desc: 'node affinity Lt without values',
      mutate: (s: PodSpec) => (s.affinity = requiredTerms({ key: 'cores', operator: 'Lt' })),
      want: [`${REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].values: FieldValueRequired`],
    },
    {
      desc: 'node affinity with an unknown operator',
      mutate: (s: PodSpec) => (s.affinity = requiredTerms({ key: 'z', operator: 'Near' })),
      want: [`${REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].operator: FieldValueInvalid`],
    },
    {
      desc: 'node field selector on an unknown field',
      mutate: (s: PodSpec) =>
        (s.affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'spec.x', operator: 'In', values: ['a'] }] }] },
          },
        }),
      want: [`${REQUIRED}.nodeSelectorTerms[0].matchFields[0].key: FieldValueInvalid`],
    },
    {
      desc: 'preferred node affinity weight 0',
      mutate: (s: PodSpec) => (s.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } }),
      want: ['spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: FieldValueInvalid'],
    },
    {
      desc: 'preferred node affinity weight 101',
      mutate: (s: PodSpec) => (s.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, preference: {} }] } }),
      want: ['spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: FieldValueInvalid'],
    },
    {
      desc: 'pod affinity term without a topology key',
      mutate: (s: PodSpec) => (s.affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { a: 'b' } } }] } }),
      want: [
        'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: FieldValueRequired',
        // the empty key also fails both label-name checks, as upstream reports it
        'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: FieldValueInvalid',
        'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: FieldValueInvalid',
      ],
    },
    {
      desc: 'anti-affinity preference with weight 0',
      mutate: (s: PodSpec) =>
        (s.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: 'zone' } }] } }),
      want: ['spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: FieldValueInvalid'],
    },
    {
      desc: 'duplicate scheduling gates',
      mutate: (s: PodSpec) => (s.schedulingGates = [{ name: 'example.com/a' }, { name: 'example.com/a' }]),
      want: ['spec.schedulingGates[1]: FieldValueDuplicate'],
    },
    {
      desc: 'topology spread with maxSkew 0',
      mutate: (s: PodSpec) => (s.topologySpreadConstraints = [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }]),
      want: ['spec.topologySpreadConstraints[0].maxSkew: FieldValueInvalid'],
    },
    {
      desc: 'too many nameservers',
      mutate: (s: PodSpec) => (s.dnsConfig = { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'] }),
      want: ['spec.dnsConfig.nameservers: FieldValueInvalid'],
    },
  ])('rejects $desc', ({ mutate, want }) => {
    expect(errorsFor(mutate)).toEqual(want);
  });
});
