import { stringify } from 'yaml';
import { applyPatch, recordUpdateManagedFields } from './index';
import { at, statusOfError } from './test-helpers';

const t0 = new Date('2026-01-02T03:04:05Z');
const t1 = new Date('2026-01-02T03:05:00Z');

type Obj = Record<string, unknown>;

const deployCfg = (replicas: number, image = 'echo:1', extra: Obj = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'default', labels: { app: 'd' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'd' } },
    template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'app', image, ...extra }] } },
  },
});

function apply(current: Obj | undefined, cfg: unknown, manager = 'kubectl', opts: { force?: boolean; now?: Date; yaml?: boolean } = {}) {
  return applyPatch({
    patchType: 'apply',
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    current,
    patch: opts.yaml === false ? JSON.stringify(cfg) : stringify(cfg),
    fieldManager: manager,
    force: opts.force,
    now: opts.now ?? t0,
  });
}

const managed = (o: unknown) => at(o, 'metadata.managedFields') as Array<{ manager: string; operation: string; apiVersion: string; time: string; fieldsType: string; fieldsV1: Obj }>;

describe('server-side apply', () => {
  it('creates the object when absent, owning every applied field (FieldsV1 encoding)', () => {
    const out = apply(undefined, deployCfg(2));
    expect(at(out, 'spec.replicas')).toBe(2);
    expect(managed(out)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2026-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('accepts a JSON body', () => {
    expect(at(apply(undefined, deployCfg(1), 'kubectl', { yaml: false }), 'spec.replicas')).toBe(1);
  });

  it('re-applying the same config changes nothing but is accepted', () => {
    const first = apply(undefined, deployCfg(2));
    const second = apply(first, deployCfg(2), 'kubectl', { now: t1 });
    expect(second).toEqual(first);
  });

  it('a changed config updates the field; a field no longer applied is removed', () => {
    const first = apply(undefined, deployCfg(2, 'echo:1', { workingDir: '/w' }));
    const second = apply(first, deployCfg(3, 'echo:2'), 'kubectl', { now: t1 });
    expect(at(second, 'spec.replicas')).toBe(3);
    expect(at(second, 'spec.template.spec.containers.0')).toEqual({ name: 'app', image: 'echo:2' });
    expect(managed(second)[0].time).toBe('2026-01-02T03:05:00Z');
  });

  it.each([
    {
      desc: 'a container no longer applied is removed',
      before: deployCfg(1, 'echo:1') as Obj,
      after: deployCfg(1, 'echo:1') as Obj,
      mutateBefore: (c: Obj) => (at(c, 'spec.template.spec.containers') as Obj[]).push({ name: 'side', image: 'busybox' }),
      path: 'spec.template.spec.containers',
      want: [{ name: 'app', image: 'echo:1' }],
    },
    {
      desc: 'a label no longer applied is removed',
      before: deployCfg(1) as Obj,
      after: deployCfg(1) as Obj,
      mutateBefore: (c: Obj) => ((at(c, 'metadata.labels') as Obj)['stale'] = 'yes'),
      path: 'metadata.labels',
      want: { app: 'd' },
    },
    {
      desc: 'an env var no longer applied is removed, the others stay',
      before: deployCfg(1, 'echo:1', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }) as Obj,
      after: deployCfg(1, 'echo:1', { env: [{ name: 'B', value: '2' }] }) as Obj,
      mutateBefore: () => undefined,
      path: 'spec.template.spec.containers.0.env',
      want: [{ name: 'B', value: '2' }],
    },
  ])('removal: $desc', ({ before, after, mutateBefore, path, want }) => {
    mutateBefore(before);
    const first = apply(undefined, before);
    expect(at(apply(first, after, 'kubectl', { now: t1 }), path)).toEqual(want);
  });

  it('keeps fields owned by other managers and merges keyed lists by key', () => {
    const created = apply(undefined, deployCfg(2));
    const withSidecar = apply(created, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } }, 'sidecar-injector');
    expect((at(withSidecar, 'spec.template.spec.containers') as Obj[]).map((c) => c['name'])).toEqual(['app', 'side']);
    // kubectl re-applies without the sidecar: it is not kubectl's, so it stays.
    const again = apply(withSidecar, deployCfg(2, 'echo:3'));
    expect((at(again, 'spec.template.spec.containers') as Obj[]).map((c) => c['name'])).toEqual(['app', 'side']);
    expect(managed(again).map((m) => m.manager)).toEqual(['kubectl', 'sidecar-injector']);
  });

  it('matches keyed items whose key field was defaulted (ports without protocol)', () => {
    const cfg = deployCfg(1, 'nginx', { ports: [{ containerPort: 80 }] });
    const created = apply(undefined, cfg);
    // The registry defaults protocol on the stored object.
    const stored = JSON.parse(JSON.stringify(created)) as Obj;
    ((at(stored, 'spec.template.spec.containers.0.ports') as Obj[])[0])['protocol'] = 'TCP';
    const again = apply(stored, deployCfg(1, 'nginx', { ports: [{ containerPort: 80, name: 'http' }] }), 'kubectl', { now: t1 });
    expect(at(again, 'spec.template.spec.containers.0.ports')).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http' }]);
    expect(at(managed(again)[0].fieldsV1, 'f:spec.f:template.f:spec.f:containers.k:{"name":"app"}.f:ports')).toEqual({
      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:name': {} },
    });
    // Another manager applying the same port (key given in full) shares it without conflict.
    expect(() => apply(again, deployCfg(1, 'nginx', { ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }), 'other')).not.toThrow();
  });

  it('a shared field stays when one of its owners stops applying it', () => {
    const created = apply(undefined, deployCfg(2));
    const shared = apply(created, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { app: 'd' } } }, 'other');
    const cfg = deployCfg(2) as Obj;
    (cfg['metadata'] as Obj)['labels'] = { team: 'x' };
    const out = apply(shared, cfg);
    expect(at(out, 'metadata.labels')).toEqual({ app: 'd', team: 'x' });
  });

  it.each([
    {
      desc: 'a field owned by an Update manager with a different value conflicts',
      run: () => {
        const created = apply(undefined, deployCfg(2));
        const scaled = recordUpdateManagedFields(created, { ...created, spec: { ...(created['spec'] as Obj), replicas: 5 } }, 'kubectl-scale', 'apps/v1', t1);
        return apply(scaled, deployCfg(3), 'kubectl', { now: t1 });
      },
      message: 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1 at 2026-01-02T03:05:00Z: .spec.replicas',
      field: '.spec.replicas',
    },
    {
      desc: 'a field owned by another applier conflicts',
      run: () => {
        const created = apply(undefined, deployCfg(2));
        return apply(created, deployCfg(2, 'echo:9'), 'ci');
      },
      message: 'Apply failed with 1 conflict: conflict with "kubectl": .spec.template.spec.containers[name="app"].image',
      field: '.spec.template.spec.containers[name="app"].image',
    },
  ])('409 Conflict: $desc', ({ run, message, field }) => {
    const s = statusOfError(run);
    expect(s.code).toBe(409);
    expect(s.reason).toBe('Conflict');
    expect(s.message).toBe(message);
    expect(s.causes).toEqual([{ reason: 'FieldManagerConflict', message: expect.stringMatching(/^conflict with "/), field }]);
  });

  it('several conflicts are listed per manager', () => {
    const created = apply(undefined, deployCfg(2));
    const s = statusOfError(() => apply(created, deployCfg(4, 'echo:4'), 'ci'));
    expect(s.message).toBe('Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n- .spec.template.spec.containers[name="app"].image');
    expect(s.causes.map((c) => c.field)).toEqual(['.spec.replicas', '.spec.template.spec.containers[name="app"].image']);
  });

  it('applying the same value another manager owns is not a conflict (shared ownership)', () => {
    const created = apply(undefined, deployCfg(2));
    const out = apply(created, deployCfg(2), 'ci');
    expect(managed(out).map((m) => m.manager)).toEqual(['ci', 'kubectl']); // upstream order: Apply first, oldest first, then by manager
  });

  it('force=true takes ownership of conflicting fields', () => {
    const created = apply(undefined, deployCfg(2));
    const scaled = recordUpdateManagedFields(created, { ...created, spec: { ...(created['spec'] as Obj), replicas: 5 } }, 'kubectl-scale', 'apps/v1', t1);
    const out = apply(scaled, deployCfg(3), 'kubectl', { force: true, now: t1 });
    expect(at(out, 'spec.replicas')).toBe(3);
    const scaleEntry = managed(out).find((m) => m.manager === 'kubectl-scale');
    expect(scaleEntry).toBeUndefined(); // it owned only replicas
  });

  it('an object without managedFields is owned by before-first-apply', () => {
    const live = { ...deployCfg(5), metadata: { name: 'd', namespace: 'default', uid: 'u1', resourceVersion: '7' } };
    const s = statusOfError(() => apply(live, deployCfg(3)));
    expect(s.message).toContain('"before-first-apply"');
  });

  it.each([
    { desc: 'no fieldManager', cfg: deployCfg(1), manager: '', code: 400 },
    { desc: 'kind mismatch', cfg: { ...deployCfg(1), kind: 'ReplicaSet' }, manager: 'm', code: 400 },
    { desc: 'managedFields in the config', cfg: { ...deployCfg(1), metadata: { name: 'd', managedFields: [] } }, manager: 'm', code: 400 },
    { desc: 'not YAML', cfg: 'a: [', manager: 'm', code: 400 },
    { desc: 'a container without its name key', cfg: { ...deployCfg(1), spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, manager: 'm', code: 400 },
    { desc: 'duplicate keys', cfg: { ...deployCfg(1), spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } } }, manager: 'm', code: 400 },
  ])('400 for $desc', ({ desc, cfg, manager, code }) => {
    const patch = typeof cfg === 'string' ? cfg : stringify(cfg);
    const s = statusOfError(() => applyPatch({ patchType: 'apply', kind: 'Deployment', apiVersion: 'apps/v1', current: undefined, patch, fieldManager: manager, now: t0 }));
    expect(s.code).toBe(code);
    if (desc.includes('name key')) {
      expect(s.message).toBe('failed to create typed patch object (apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)');
    }
  });

  it('status subresource applies only status', () => {
    const created = apply(undefined, deployCfg(2));
    const out = applyPatch({
      patchType: 'apply',
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      current: created,
      patch: stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 9 }, status: { replicas: 2, conditions: [{ type: 'Available', status: 'True' }] } }),
      fieldManager: 'controller',
      subresource: 'status',
      now: t1,
    });
    expect(at(out, 'spec.replicas')).toBe(2);
    expect(at(out, 'status.replicas')).toBe(2);
    const entry = managed(out).find((m) => m.manager === 'controller') as unknown as Obj;
    expect(entry['subresource']).toBe('status');
    expect(entry['fieldsV1']).toEqual({ 'f:status': { 'f:conditions': { 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:replicas': {} } });
  });
});

describe('recordUpdateManagedFields', () => {
  const pod = (labels: Record<string, string>, image = 'nginx') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels }, spec: { containers: [{ name: 'c', image }] } });

  it('a create owns the whole object, with "." on new maps', () => {
    const out = recordUpdateManagedFields(undefined, pod({ a: '1' }), 'kubectl-create', 'v1', t0);
    expect(managed(out)).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
      },
    ]);
  });

  it('an update moves changed fields to the updater and drops removed ones', () => {
    const created = recordUpdateManagedFields(undefined, pod({ a: '1', b: '2' }), 'creator', 'v1', t0);
    const next = { ...pod({ a: 'changed' }, 'nginx'), metadata: { ...(created['metadata'] as Obj), labels: { a: 'changed' } } };
    const out = recordUpdateManagedFields(created, next, 'kubectl-label', 'v1', t1);
    const [creator, labeler] = managed(out);
    expect(creator.manager).toBe('creator');
    expect(creator.fieldsV1['f:metadata']).toEqual({ 'f:labels': {} });
    expect(labeler).toMatchObject({ manager: 'kubectl-label', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {} } } } });
  });

  it('a scale of the parent object is recorded with subresource scale and conflicts with a later apply', () => {
    const created = apply(undefined, deployCfg(2));
    const scaled = recordUpdateManagedFields(created, { ...created, spec: { ...(created['spec'] as Obj), replicas: 6 } }, 'kubectl', 'apps/v1', t1, 'scale');
    expect(managed(scaled)[1]).toMatchObject({ manager: 'kubectl', operation: 'Update', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    expect(statusOfError(() => apply(scaled, deployCfg(3), 'kubectl', { now: t1 })).message).toBe('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1 at 2026-01-02T03:05:00Z: .spec.replicas');
  });

  it('managedFields: [{}] clears the field', () => {
    const created = recordUpdateManagedFields(undefined, pod({ a: '1' }), 'creator', 'v1', t0);
    const out = recordUpdateManagedFields(created, { ...created, metadata: { ...(created['metadata'] as Obj), managedFields: [{}] } }, 'x', 'v1', t1);
    expect(at(out, 'metadata.managedFields')).toBeUndefined();
  });
});
