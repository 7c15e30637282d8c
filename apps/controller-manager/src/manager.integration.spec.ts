// The controller-manager process itself: --controllers validation, leader
// election on kube-system/kube-controller-manager between two replicas
// (only the leader acts; kill -9 hands over), and a lost lease ends the
// process with a non-zero exit.
import { spawnSync } from 'node:child_process';
import { nowMicroTime, type ReplicaSet } from '@k8ts/api';
import { appBundle, newNamespace, waitFor } from '@k8ts/testing';
import { startControlPlane, startControllerManager, type ControlPlane, type ControllerManagerProcess } from './testing/control-plane';

jest.setTimeout(120_000);

const NS = 'cm-manager';
const LEASE = 'leader_election_master_status{name="kube-controller-manager"}';

let cp: ControlPlane;
const started: ControllerManagerProcess[] = [];

beforeAll(async () => {
  cp = await startControlPlane();
  await cp.client.namespaces.create(newNamespace(NS));
});

afterAll(async () => {
  for (const m of started) await m.proc.stop();
  await cp?.stop();
});

async function start(identity: string): Promise<ControllerManagerProcess> {
  const m = await startControllerManager(cp, { identity, controllers: 'replicaset' });
  started.push(m);
  return m;
}

function newReplicaSet(name: string, replicas: number): ReplicaSet {
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'k8ts/echo' }] } },
    },
  };
}

async function podCount(app: string): Promise<number> {
  const { items } = await cp.client.pods.list({ namespace: NS, labelSelector: `app=${app}` });
  return items.filter((p) => !p.metadata?.deletionTimestamp).length;
}

describe('controller-manager process', () => {
  it('refuses an unknown controller name', async () => {
    const bundle = await appBundle('controller-manager');
    const r = spawnSync(process.execPath, [bundle, '--controllers', 'replicaset,statefulset', '--port', '0'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, OTEL_SDK_DISABLED: 'true' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown controller "statefulset"');
  });

  it('runs controllers only on the leader and hands over after kill -9', async () => {
    const a = await start('cm-a');
    await waitFor(async () => (await a.metric(LEASE)) === 1, { timeoutMs: 20_000, desc: 'cm-a leads' });
    const b = await start('cm-b');
    expect((await b.get('/readyz')).status).toBe(200);
    expect(await b.metric(LEASE)).toBe(0);

    await cp.client.replicaSets.create(newReplicaSet('first', 2));
    await waitFor(async () => (await podCount('first')) === 2, { timeoutMs: 20_000, desc: '2 pods of first' });
    expect(await b.metric('controller_manager_syncs_total{controller="replicaset",result="success"}')).toBe(0);

    await a.proc.stop({ signal: 'SIGKILL' });
    await waitFor(async () => (await b.metric(LEASE)) === 1, { timeoutMs: 30_000, desc: 'cm-b takes over' });
    expect((await cp.client.leases.get('kube-system', 'kube-controller-manager')).spec?.holderIdentity).toBe('cm-b');
    await cp.client.replicaSets.create(newReplicaSet('second', 3));
    await waitFor(async () => (await podCount('second')) === 3, { timeoutMs: 20_000, desc: '3 pods of second, made by cm-b' });
  });

  it('exits non-zero when the lease is taken away', async () => {
    const leader = started.find((m) => m.proc.running) as ControllerManagerProcess;
    // The leader renews every retry period: retry the take-over on a conflict.
    await waitFor(
      async () => {
        const lease = await cp.client.leases.get('kube-system', 'kube-controller-manager');
        const now = nowMicroTime();
        await cp.client.leases.update({ ...lease, spec: { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: 60, acquireTime: now, renewTime: now } });
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 50, desc: 'lease taken by an intruder' },
    );
    const exit = await waitFor(() => leader.proc.exit, { timeoutMs: 30_000, desc: 'the leader exits' });
    expect(exit.code).toBe(1);
    expect(leader.proc.output().join('\n')).toContain('leader election lost');
  });
});
