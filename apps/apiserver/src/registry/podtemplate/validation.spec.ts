import type { Container, PodSpec } from '@k8ts/api';
import { path } from '@k8ts/apimachinery';
import { defaultedPodSpec, summarize } from './test-fixtures';
import { validatePodSpec, validatePodTemplateSpec } from './validation';

const port = (n: number) => ({ type: 0, intVal: n });
const named = (s: string) => ({ type: 1, strVal: s });
const ctr = (s: PodSpec): Container => s.containers![0];
const C = 'spec.containers[0]';

function errorsFor(mutate: (s: PodSpec) => void, defaultFirst = true): string[] {
  const spec = defaultFirst ? defaultedPodSpec(mutate) : defaultedPodSpec();
  if (!defaultFirst) mutate(spec);
  return summarize(validatePodSpec(spec, path('spec')));
}

describe('validatePodSpec', () => {
  it('accepts a minimal defaulted spec', () => {
    expect(errorsFor(() => undefined)).toEqual([]);
  });

  it('accepts a rich valid spec', () => {
    const errs = errorsFor((s) => {
      s.volumes = [{ name: 'data', volumeSource: { emptyDir: {} } }, { name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'c' } } } }];
      s.initContainers = [{ name: 'init', image: 'busybox', command: ['true'] }];
      Object.assign(ctr(s), {
        ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP', hostPort: 53 }],
        env: [{ name: 'A', value: '1' }, { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
        livenessProbe: { handler: { httpGet: { port: named('http') } } },
        readinessProbe: { handler: { tcpSocket: { port: port(8080) } }, successThreshold: 3 },
        lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } },
      });
      s.nodeSelector = { 'kubernetes.io/os': 'linux' };
      s.tolerations = [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute', tolerationSeconds: 30 }, { operator: 'Exists' }];
      s.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'cores', operator: 'Gt', values: ['2'] }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } }],
        },
      };
      s.hostname = 'web-0';
      s.subdomain = 'web';
      s.readinessGates = [{ conditionType: 'example.com/ready' }];
      s.activeDeadlineSeconds = 60;
    });
    expect(errs).toEqual([]);
  });

  it.each([
    // containers
    { desc: 'no containers', mutate: (s: PodSpec) => (s.containers = []), want: ['spec.containers: FieldValueRequired'] },
    { desc: 'container name missing', mutate: (s: PodSpec) => (ctr(s).name = ''), want: [`${C}.name: FieldValueRequired`] },
    { desc: 'container name not a DNS label', mutate: (s: PodSpec) => (ctr(s).name = 'Web_1'), want: [`${C}.name: FieldValueInvalid`] },
    {
      desc: 'duplicate container names',
      mutate: (s: PodSpec) => s.containers!.push({ name: 'app', image: 'x:1' }),
      want: ['spec.containers[1].name: FieldValueDuplicate'],
    },
    { desc: 'image missing', mutate: (s: PodSpec) => (ctr(s).image = ''), want: [`${C}.image: FieldValueRequired`] },
    { desc: 'unknown pull policy', mutate: (s: PodSpec) => (ctr(s).imagePullPolicy = 'Sometimes'), want: [`${C}.imagePullPolicy: FieldValueNotSupported`] },
    {
      desc: 'unknown termination message policy',
      mutate: (s: PodSpec) => (ctr(s).terminationMessagePolicy = 'Maybe'),
      want: [`${C}.terminationMessagePolicy: FieldValueNotSupported`],
    },
    { desc: 'restartPolicy on a regular container', mutate: (s: PodSpec) => (ctr(s).restartPolicy = 'Always'), want: [`${C}.restartPolicy: FieldValueForbidden`] },
    // ports
    { desc: 'containerPort 0', mutate: (s: PodSpec) => (ctr(s).ports = [{ containerPort: 0 }]), want: [`${C}.ports[0].containerPort: FieldValueRequired`] },
    { desc: 'containerPort too big', mutate: (s: PodSpec) => (ctr(s).ports = [{ containerPort: 70000 }]), want: [`${C}.ports[0].containerPort: FieldValueInvalid`] },
    {
      desc: 'hostPort out of range',
      mutate: (s: PodSpec) => (ctr(s).ports = [{ containerPort: 80, hostPort: 65536 }]),
      want: [`${C}.ports[0].hostPort: FieldValueInvalid`],
    },
    {
      desc: 'port name not an IANA service name',
      mutate: (s: PodSpec) => (ctr(s).ports = [{ name: 'http--x', containerPort: 80 }]),
      want: [`${C}.ports[0].name: FieldValueInvalid`],
    },
    {
      desc: 'duplicate port names',
      mutate: (s: PodSpec) => (ctr(s).ports = [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }]),
      want: [`${C}.ports[1].name: FieldValueDuplicate`],
    },
    {
      desc: 'unsupported protocol',
      mutate: (s: PodSpec) => (ctr(s).ports = [{ containerPort: 80, protocol: 'ICMP' }]),
      want: [`${C}.ports[0].protocol: FieldValueNotSupported`],
    },
    {
      desc: 'two containers claiming one host port',
      mutate: (s: PodSpec) => {
        ctr(s).ports = [{ containerPort: 80, hostPort: 8080 }];
        s.containers!.push({ name: 'b', image: 'x:1', ports: [{ containerPort: 81, hostPort: 8080 }] });
      },
      want: ['spec.containers[1].ports[0].hostPort: FieldValueDuplicate'],
    },
    // env
    { desc: 'env name missing', mutate: (s: PodSpec) => (ctr(s).env = [{ value: 'x' }]), want: [`${C}.env[0].name: FieldValueRequired`] },
    { desc: 'env name with =', mutate: (s: PodSpec) => (ctr(s).env = [{ name: 'A=B' }]), want: [`${C}.env[0].name: FieldValueInvalid`] },
    {
      desc: 'env value and valueFrom together',
      mutate: (s: PodSpec) => (ctr(s).env = [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]),
      want: [`${C}.env[0].valueFrom: FieldValueInvalid`],
    },
    {
      desc: 'env fieldRef to an unsupported field',
      mutate: (s: PodSpec) => (ctr(s).env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } }]),
      want: [`${C}.env[0].valueFrom.fieldRef.fieldPath: FieldValueNotSupported`],
    },
    {
      desc: 'env secretKeyRef without a key',
      mutate: (s: PodSpec) => (ctr(s).env = [{ name: 'A', valueFrom: { secretKeyRef: { localObjectReference: { name: 's' } } } }]),
      want: [`${C}.env[0].valueFrom.secretKeyRef.key: FieldValueRequired`],
    },
    // resources
    {
      desc: 'malformed quantity',
      mutate: (s: PodSpec) => (ctr(s).resources = { limits: { cpu: 'lots' } }),
      want: [`${C}.resources.limits[cpu]: FieldValueInvalid`],
    },
    {
      desc: 'negative quantity',
      mutate: (s: PodSpec) => (ctr(s).resources = { requests: { memory: '-1Mi' } }),
      want: [`${C}.resources.requests[memory]: FieldValueInvalid`],
    },
    {
      desc: 'request above limit',
      mutate: (s: PodSpec) => (ctr(s).resources = { requests: { cpu: '200m' }, limits: { cpu: '100m' } }),
      want: [`${C}.resources.requests: FieldValueInvalid`],
    },
    {
      desc: 'unknown unprefixed resource',
      mutate: (s: PodSpec) => (ctr(s).resources = { limits: { gpu: '1' } }),
      want: [`${C}.resources.limits[gpu]: FieldValueInvalid`],
    },
    {
      desc: 'extended resource request without limit',
      mutate: (s: PodSpec) => (ctr(s).resources = { requests: { 'example.com/gpu': '1' } }),
      want: [`${C}.resources.limits: FieldValueRequired`],
    },
    // probes and hooks
    {
      desc: 'probe without handler',
      mutate: (s: PodSpec) => (ctr(s).livenessProbe = {}),
      want: [`${C}.livenessProbe: FieldValueRequired`],
    },
    {
      desc: 'probe with two handlers',
      mutate: (s: PodSpec) => (ctr(s).readinessProbe = { handler: { exec: { command: ['true'] }, tcpSocket: { port: port(80) } } }),
      want: [`${C}.readinessProbe.tcpSocket: FieldValueForbidden`],
    },
    {
      desc: 'probe with a negative delay',
      mutate: (s: PodSpec) => (ctr(s).livenessProbe = { handler: { exec: { command: ['true'] } }, initialDelaySeconds: -1 }),
      want: [`${C}.livenessProbe.initialDelaySeconds: FieldValueInvalid`],
    },
    {
      desc: 'liveness successThreshold other than 1',
      mutate: (s: PodSpec) => (ctr(s).livenessProbe = { handler: { exec: { command: ['true'] } }, successThreshold: 2 }),
      want: [`${C}.livenessProbe.successThreshold: FieldValueInvalid`],
    },
    {
      desc: 'startup successThreshold other than 1',
      mutate: (s: PodSpec) => (ctr(s).startupProbe = { handler: { exec: { command: ['true'] } }, successThreshold: 2 }),
      want: [`${C}.startupProbe.successThreshold: FieldValueInvalid`],
    },
    {
      desc: 'readiness probe with a termination grace period',
      mutate: (s: PodSpec) => (ctr(s).readinessProbe = { handler: { exec: { command: ['true'] } }, terminationGracePeriodSeconds: 5 }),
      want: [`${C}.readinessProbe.terminationGracePeriodSeconds: FieldValueInvalid`],
    },
    {
      desc: 'httpGet probe on port 0',
      mutate: (s: PodSpec) => (ctr(s).livenessProbe = { handler: { httpGet: { port: port(0) } } }),
      want: [`${C}.livenessProbe.httpGet.port: FieldValueInvalid`],
    },
    {
      desc: 'exec probe without a command',
      mutate: (s: PodSpec) => (ctr(s).livenessProbe = { handler: { exec: {} } }),
      want: [`${C}.livenessProbe.exec.command: FieldValueRequired`],
    },
    {
      desc: 'preStop hook without handler',
      mutate: (s: PodSpec) => (ctr(s).lifecycle = { preStop: {} }),
      want: [`${C}.lifecycle.preStop: FieldValueRequired`],
    },
    {
      desc: 'preStop sleep longer than the grace period',
      mutate: (s: PodSpec) => (ctr(s).lifecycle = { preStop: { sleep: { seconds: 60 } } }),
      want: [`${C}.lifecycle.preStop.sleep: FieldValueInvalid`],
    },
    {
      desc: 'probe on a plain init container',
      mutate: (s: PodSpec) => (s.initContainers = [{ name: 'init', image: 'x:1', readinessProbe: { handler: { exec: { command: ['true'] } } } }]),
      want: ['spec.initContainers[0].readinessProbe: FieldValueForbidden'],
    },
    {
      desc: 'init container sharing a name with a container',
      mutate: (s: PodSpec) => (s.initContainers = [{ name: 'app', image: 'x:1' }]),
      want: ['spec.initContainers[0].name: FieldValueDuplicate'],
    },
    // volumes and mounts
    {
      desc: 'volume name not a DNS label',
      mutate: (s: PodSpec) => (s.volumes = [{ name: 'Data', volumeSource: { emptyDir: {} } }]),
      want: ['spec.volumes[0].name: FieldValueInvalid'],
    },
    {
      desc: 'duplicate volume names',
      mutate: (s: PodSpec) => (s.volumes = [{ name: 'v', volumeSource: { emptyDir: {} } }, { name: 'v', volumeSource: { emptyDir: {} } }]),
      want: ['spec.volumes[1].name: FieldValueDuplicate'],
    },
    {
      desc: 'volume with two sources',
      mutate: (s: PodSpec) => (s.volumes = [{ name: 'v', volumeSource: { emptyDir: {}, hostPath: { path: '/tmp' } } }]),
      want: ['spec.volumes[0].hostPath: FieldValueForbidden'],
    },
    {
      desc: 'secret volume without a secret name',
      mutate: (s: PodSpec) => (s.volumes = [{ name: 'v', volumeSource: { secret: {} } }]),
      want: ['spec.volumes[0].secret.secretName: FieldValueRequired'],
    },
    {
      desc: 'mount of an unknown volume',
      mutate: (s: PodSpec) => (ctr(s).volumeMounts = [{ name: 'nope', mountPath: '/x' }]),
      want: [`${C}.volumeMounts[0].name: FieldValueNotFound`],
    },
    {
      desc: 'mount without a path',
      mutate: (s: PodSpec) => {
        s.volumes = [{ name: 'v', volumeSource: { emptyDir: {} } }];
        ctr(s).volumeMounts = [{ name: 'v' }];
      },
      want: [`${C}.volumeMounts[0].mountPath: FieldValueRequired`],
    },
    {
      desc: 'two mounts at one path',
      mutate: (s: PodSpec) => {
        s.volumes = [{ name: 'v', volumeSource: { emptyDir: {} } }, { name: 'w', volumeSource: { emptyDir: {} } }];
        ctr(s).volumeMounts = [{ name: 'v', mountPath: '/x' }, { name: 'w', mountPath: '/x' }];
      },
      want: [`${C}.volumeMounts[1].mountPath: FieldValueInvalid`],
    },
    {
      desc: 'subPath escaping the volume',
      mutate: (s: PodSpec) => {
        s.volumes = [{ name: 'v', volumeSource: { emptyDir: {} } }];
        ctr(s).volumeMounts = [{ name: 'v', mountPath: '/x', subPath: '../etc' }];
      },
      want: [`${C}.volumeMounts[0].subPath: FieldValueInvalid`],
    },
    // pod-level fields
    { desc: 'unknown restartPolicy', mutate: (s: PodSpec) => (s.restartPolicy = 'Sometimes'), want: ['spec.restartPolicy: FieldValueNotSupported'] },
    { desc: 'unknown dnsPolicy', mutate: (s: PodSpec) => (s.dnsPolicy = 'Google'), want: ['spec.dnsPolicy: FieldValueNotSupported'] },
    { desc: 'dnsPolicy None without dnsConfig', mutate: (s: PodSpec) => (s.dnsPolicy = 'None'), want: ['spec.dnsConfig: FieldValueRequired'] },
    {
      desc: 'negative termination grace period',
      mutate: (s: PodSpec) => (s.terminationGracePeriodSeconds = -1),
      want: ['spec.terminationGracePeriodSeconds: FieldValueInvalid'],
    },
    { desc: 'activeDeadlineSeconds 0', mutate: (s: PodSpec) => (s.activeDeadlineSeconds = 0), want: ['spec.activeDeadlineSeconds: FieldValueInvalid'] },
    { desc: 'invalid nodeSelector key', mutate: (s: PodSpec) => (s.nodeSelector = { 'a/b/c': 'x' }), want: ['spec.nodeSelector: FieldValueInvalid'] },
    { desc: 'hostname not a DNS label', mutate: (s: PodSpec) => (s.hostname = 'a.b'), want: ['spec.hostname: FieldValueInvalid'] },
    { desc: 'subdomain not a DNS label', mutate: (s: PodSpec) => (s.subdomain = 'Sub'), want: ['spec.subdomain: FieldValueInvalid'] },
    { desc: 'nodeName not a DNS subdomain', mutate: (s: PodSpec) => (s.nodeName = 'Node_1'), want: ['spec.nodeName: FieldValueInvalid'] },
    {
      desc: 'readiness gate not a qualified name',
      mutate: (s: PodSpec) => (s.readinessGates = [{ conditionType: 'bad type' }]),
      want: ['spec.readinessGates[0].conditionType: FieldValueInvalid'],
    },
    {
      desc: 'hostNetwork pod with a differing host port',
      mutate: (s: PodSpec) => {
        s.hostNetwork = true;
        ctr(s).ports = [{ containerPort: 80, hostPort: 81 }];
      },
      want: [`${C}.ports[0].hostPort: FieldValueInvalid`],
    },
  ])('$desc', ({ mutate, want }) => {
    expect(errorsFor(mutate)).toEqual(want);
  });

  it.each([
    { desc: 'restartPolicy', mutate: (s: PodSpec) => (s.restartPolicy = ''), want: ['spec.restartPolicy: FieldValueRequired'] },
    { desc: 'dnsPolicy', mutate: (s: PodSpec) => (s.dnsPolicy = ''), want: ['spec.dnsPolicy: FieldValueRequired'] },
    {
      desc: 'terminationGracePeriodSeconds',
      mutate: (s: PodSpec) => delete s.terminationGracePeriodSeconds,
      want: ['spec.terminationGracePeriodSeconds: FieldValueRequired'],
    },
    { desc: 'port protocol', mutate: (s: PodSpec) => (ctr(s).ports = [{ containerPort: 80 }]), want: [`${C}.ports[0].protocol: FieldValueRequired`] },
    {
      desc: 'volume source',
      mutate: (s: PodSpec) => (s.volumes = [{ name: 'v', volumeSource: {} }]),
      want: ['spec.volumes[0]: FieldValueRequired'],
    },
  ])('an undefaulted $desc is required', ({ mutate, want }) => {
    expect(errorsFor(mutate, false)).toEqual(want);
  });

  it('explains request/limit violations as upstream does', () => {
    const errs = validatePodSpec(
      defaultedPodSpec((s) => (ctr(s).resources = { requests: { cpu: '200m' }, limits: { cpu: '100m' } })),
      path('spec'),
    );
    expect(errs[0]).toMatchObject({ badValue: '200m', detail: 'must be less than or equal to cpu limit of 100m' });
  });

  it('lists the supported values of an enum', () => {
    const errs = validatePodSpec(defaultedPodSpec((s) => (ctr(s).ports = [{ containerPort: 80, protocol: 'ICMP' }])), path('spec'));
    expect(errs[0].detail).toBe('supported values: "SCTP", "TCP", "UDP"');
  });
});

describe('validatePodSpec env and volume sources', () => {
  it.each([
    { desc: 'a label read through fieldRef', env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }], want: [] },
    { desc: 'a resourceFieldRef', env: [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }], want: [] },
    {
      desc: 'an unknown field label',
      env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.hostname' } } }],
      want: [`${C}.env[0].valueFrom.fieldRef.fieldPath: FieldValueInvalid`],
    },
    {
      desc: 'a fieldRef of another API version',
      env: [{ name: 'A', valueFrom: { fieldRef: { apiVersion: 'v2', fieldPath: 'metadata.name' } } }],
      want: [`${C}.env[0].valueFrom.fieldRef.fieldPath: FieldValueInvalid`],
    },
    {
      desc: 'an unsupported resourceFieldRef',
      env: [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }],
      want: [`${C}.env[0].valueFrom.resourceFieldRef.resource: FieldValueNotSupported`],
    },
    { desc: 'an empty valueFrom', env: [{ name: 'A', valueFrom: {} }], want: [`${C}.env[0].valueFrom: FieldValueInvalid`] },
  ])('env with $desc', ({ env, want }) => {
    expect(errorsFor((s) => (ctr(s).env = structuredClone(env)))).toEqual(want);
  });

  it('rejects an envFrom without a source', () => {
    expect(errorsFor((s) => (ctr(s).envFrom = [{ prefix: 'X_' }]))).toEqual([`${C}.envFrom: FieldValueInvalid`]);
  });

  it.each([
    { desc: 'a downwardAPI file of labels', source: { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }, want: [] },
    { desc: 'a hostPath of a known type', source: { hostPath: { path: '/var/log', type: 'Directory' } }, want: [] },
    { desc: 'a hostPath of an unknown type', source: { hostPath: { path: '/x', type: 'Pipe' } }, want: ['spec.volumes[0].hostPath.type: FieldValueNotSupported'] },
    { desc: 'a configMap without a name', source: { configMap: {} }, want: ['spec.volumes[0].configMap.name: FieldValueRequired'] },
    {
      desc: 'a secret item escaping the volume',
      source: { secret: { secretName: 's', items: [{ key: 'k', path: '../k' }] } },
      want: ['spec.volumes[0].secret.items[0].path: FieldValueInvalid', 'spec.volumes[0].secret.items[0].path: FieldValueInvalid'],
    },
    { desc: 'a file mode above 0777', source: { secret: { secretName: 's', defaultMode: 0o1000 } }, want: ['spec.volumes[0].secret.defaultMode: FieldValueInvalid'] },
    { desc: 'a claim without a name', source: { persistentVolumeClaim: {} }, want: ['spec.volumes[0].persistentVolumeClaim.claimName: FieldValueRequired'] },
    { desc: 'a negative emptyDir size', source: { emptyDir: { sizeLimit: '-1Gi' } }, want: ['spec.volumes[0].emptyDir.sizeLimit: FieldValueForbidden'] },
  ])('volume with $desc', ({ source, want }) => {
    expect(errorsFor((s) => (s.volumes = [{ name: 'v', volumeSource: structuredClone(source) }]))).toEqual(want);
  });
});

describe('validatePodTemplateSpec', () => {
  it('validates template labels at <path>.labels and the spec below <path>.spec', () => {
    const errs = validatePodTemplateSpec({ metadata: { labels: { 'bad key!': 'x' } }, spec: defaultedPodSpec((s) => (s.containers = [])) }, path('spec', 'template'));
    expect(summarize(errs)).toEqual(['spec.template.labels: FieldValueInvalid', 'spec.template.spec.containers: FieldValueRequired']);
  });
});
