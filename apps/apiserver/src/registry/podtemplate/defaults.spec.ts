import type { PodSpec } from '@k8ts/api';
import { defaultImagePullPolicy, imageTag, setPodSpecDefaults, setPodTemplateSpecDefaults } from './defaults';
import { podSpec } from './test-fixtures';

function defaulted(mutate: (s: PodSpec) => void = () => undefined): PodSpec {
  const s = podSpec();
  mutate(s);
  setPodSpecDefaults(s);
  return s;
}

describe('setPodSpecDefaults', () => {
  it('fills in the pod-level defaults', () => {
    const s = defaulted();
    expect(s).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
    });
    // enableServiceLinks is a Pod default, not a PodSpec one (templates keep it unset).
    expect(s.enableServiceLinks).toBeUndefined();
  });

  it('keeps values that are set', () => {
    const s = defaulted((x) => Object.assign(x, { restartPolicy: 'Never', terminationGracePeriodSeconds: 0, dnsPolicy: 'Default', schedulerName: 'mine' }));
    expect(s).toMatchObject({ restartPolicy: 'Never', terminationGracePeriodSeconds: 0, dnsPolicy: 'Default', schedulerName: 'mine' });
  });

  it('fills in container defaults', () => {
    const c = defaulted((s) => (s.containers![0].ports = [{ containerPort: 80 }])).containers![0];
    expect(c).toMatchObject({ terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' });
    expect(c.ports![0].protocol).toBe('TCP');
  });

  it.each([
    { desc: 'a versioned tag', image: 'nginx:1.25', tag: '1.25', policy: 'IfNotPresent' },
    { desc: 'the latest tag', image: 'nginx:latest', tag: 'latest', policy: 'Always' },
    { desc: 'no tag', image: 'nginx', tag: 'latest', policy: 'Always' },
    { desc: 'a registry with a port and no tag', image: 'registry:5000/team/app', tag: 'latest', policy: 'Always' },
    { desc: 'a registry with a port and a tag', image: 'registry:5000/team/app:v2', tag: 'v2', policy: 'IfNotPresent' },
    { desc: 'a digest only', image: 'nginx@sha256:abc', tag: '', policy: 'IfNotPresent' },
    { desc: 'a tag and a digest', image: 'nginx:latest@sha256:abc', tag: 'latest', policy: 'Always' },
  ])('image pull policy: $desc', ({ image, tag, policy }) => {
    expect(imageTag(image)).toBe(tag);
    expect(defaultImagePullPolicy(image)).toBe(policy);
    expect(defaulted((s) => (s.containers![0].image = image)).containers![0].imagePullPolicy).toBe(policy);
  });

  it('keeps an explicit image pull policy', () => {
    expect(defaulted((s) => (s.containers![0].imagePullPolicy = 'Never')).containers![0].imagePullPolicy).toBe('Never');
  });

  it.each([
    { desc: 'liveness', field: 'livenessProbe' as const },
    { desc: 'readiness', field: 'readinessProbe' as const },
    { desc: 'startup', field: 'startupProbe' as const },
  ])('$desc probe defaults', ({ field }) => {
    const c = defaulted((s) => (s.containers![0][field] = { handler: { httpGet: { port: { type: 0, intVal: 80 } } } })).containers![0];
    expect(c[field]).toEqual({
      handler: { httpGet: { port: { type: 0, intVal: 80 }, path: '/', scheme: 'HTTP' } },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c[field]!.initialDelaySeconds).toBeUndefined();
  });

  it('keeps probe values and the httpGet path that are set', () => {
    const probe = defaulted(
      (s) =>
        (s.containers![0].readinessProbe = {
          handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' }, scheme: 'HTTPS' } },
          periodSeconds: 3,
          successThreshold: 2,
          initialDelaySeconds: 5,
        }),
    ).containers![0].readinessProbe!;
    expect(probe).toMatchObject({ periodSeconds: 3, successThreshold: 2, initialDelaySeconds: 5, timeoutSeconds: 1, failureThreshold: 3 });
    expect(probe.handler!.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' });
  });

  it('defaults lifecycle httpGet hooks and env fieldRef apiVersion', () => {
    const c = defaulted((s) => {
      s.containers![0].lifecycle = { preStop: { httpGet: { port: { type: 0, intVal: 8080 } } } };
      s.containers![0].env = [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }];
    }).containers![0];
    expect(c.lifecycle!.preStop!.httpGet).toMatchObject({ path: '/', scheme: 'HTTP' });
    expect(c.env![0].valueFrom!.fieldRef!.apiVersion).toBe('v1');
  });

  it('defaults init containers like regular ones', () => {
    const c = defaulted((s) => (s.initContainers = [{ name: 'init', image: 'busybox' }])).initContainers![0];
    expect(c).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePolicy: 'File' });
  });

  it.each([
    { desc: 'a volume without a source becomes emptyDir', volume: { name: 'v' }, want: { emptyDir: {} } },
    { desc: 'a secret volume gets mode 0644', volume: { name: 'v', volumeSource: { secret: { secretName: 's' } } }, want: { secret: { secretName: 's', defaultMode: 420 } } },
    {
      desc: 'a configMap volume gets mode 0644',
      volume: { name: 'v', volumeSource: { configMap: { localObjectReference: { name: 'c' } } } },
      want: { configMap: { localObjectReference: { name: 'c' }, defaultMode: 420 } },
    },
    { desc: 'an emptyDir stays as given', volume: { name: 'v', volumeSource: { emptyDir: { medium: 'Memory' } } }, want: { emptyDir: { medium: 'Memory' } } },
  ])('volumes: $desc', ({ volume, want }) => {
    expect(defaulted((s) => (s.volumes = [structuredClone(volume)])).volumes![0].volumeSource).toEqual(want);
  });

  it('mirrors the deprecated serviceAccount alias', () => {
    expect(defaulted((s) => (s.serviceAccount = 'robot'))).toMatchObject({ serviceAccountName: 'robot', serviceAccount: 'robot' });
    expect(defaulted((s) => (s.serviceAccountName = 'robot'))).toMatchObject({ serviceAccountName: 'robot', serviceAccount: 'robot' });
  });

  it('is idempotent', () => {
    const once = defaulted((s) => (s.containers![0].livenessProbe = { handler: { exec: { command: ['true'] } } }));
    const twice = structuredClone(once);
    setPodSpecDefaults(twice);
    expect(twice).toEqual(once);
  });

  it('defaults a template spec, creating it when missing', () => {
    const t: { spec?: PodSpec } = {};
    setPodTemplateSpecDefaults(t);
    expect(t.spec).toMatchObject({ restartPolicy: 'Always' });
  });
});
