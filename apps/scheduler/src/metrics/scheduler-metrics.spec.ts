import { FakeClock } from '@k8ts/testing';
import { Registry } from 'prom-client';
import { SchedulingQueue } from '../queue/scheduling-queue';
import { newPod } from '../testing/builders';
import { type SchedulerHttpServer, startSchedulerHttp } from './http-server';
import { SchedulerMetrics } from './scheduler-metrics';

describe('SchedulerMetrics', () => {
  it('records attempts, durations and scheduling attempts per pod', async () => {
    const m = new SchedulerMetrics({ defaultMetrics: false });
    m.observeAttempt('scheduled', 'default-scheduler', 0.003);
    m.observeAttempt('scheduled', 'default-scheduler', 0.005);
    m.observeAttempt('unschedulable', 'default-scheduler', 0.02);
    m.observeAttempt('error', 'other', 1);
    m.observePodScheduled(1);
    m.observePodScheduled(3);
    const text = await m.registry.metrics();
    expect(text).toContain('scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"} 2');
    expect(text).toContain('scheduler_schedule_attempts_total{result="unschedulable",profile="default-scheduler"} 1');
    expect(text).toContain('scheduler_schedule_attempts_total{result="error",profile="other"} 1');
    expect(text).toContain('scheduler_scheduling_attempt_duration_seconds_bucket{le="0.004",result="scheduled",profile="default-scheduler"} 1');
    expect(text).toContain('scheduler_scheduling_attempt_duration_seconds_bucket{le="16.384",result="error",profile="other"} 1');
    expect(text).toContain('scheduler_scheduling_attempt_duration_seconds_count{result="scheduled",profile="default-scheduler"} 2');
    expect(text).toContain('scheduler_pod_scheduling_attempts_bucket{le="1"} 1');
    expect(text).toContain('scheduler_pod_scheduling_attempts_bucket{le="4"} 2');
    expect(text).toContain('scheduler_pod_scheduling_attempts_bucket{le="16"} 2');
  });

  it('reads pending pods from the queue at scrape time and counts incoming pods', async () => {
    const m = new SchedulerMetrics({ defaultMetrics: false });
    const q = new SchedulingQueue({ clock: new FakeClock(), metrics: m.queueMetrics() });
    m.setPendingPodsSource(() => q.pendingPods());
    q.add(newPod({ name: 'a' }));
    q.add(newPod({ name: 'b' }));
    const gated = newPod({ name: 'g' });
    q.add({ ...gated, spec: { ...gated.spec, schedulingGates: [{ name: 'wait' }] } });
    const info = await q.pop();
    info!.unschedulablePlugins = new Set(['NodeAffinity']);
    q.addUnschedulableIfNotPresent(info!, q.schedulingCycle());
    const text = await m.registry.metrics();
    expect(text).toContain('scheduler_pending_pods{queue="active"} 1');
    expect(text).toContain('scheduler_pending_pods{queue="backoff"} 0');
    expect(text).toContain('scheduler_pending_pods{queue="unschedulable"} 1');
    expect(text).toContain('scheduler_pending_pods{queue="gated"} 1');
    expect(text).toContain('scheduler_queue_incoming_pods_total{queue="Active",event="PodAdd"} 2');
    expect(text).toContain('scheduler_queue_incoming_pods_total{queue="Unschedulable",event="PodAdd"} 1');
    expect(text).toContain('scheduler_queue_incoming_pods_total{queue="Unschedulable",event="ScheduleAttemptFailure"} 1');
    q.close();
  });

  it('includes the default process metrics unless disabled, in a registry of its own', async () => {
    const registry = new Registry();
    const m = new SchedulerMetrics({ registry });
    expect(m.registry).toBe(registry);
    const text = await registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(await new SchedulerMetrics({ defaultMetrics: false }).registry.metrics()).not.toContain('process_cpu_user_seconds_total');
  });
});

describe('startSchedulerHttp', () => {
  let server: SchedulerHttpServer | undefined;
  let healthy = true;
  let ready = true;
  const metrics = new SchedulerMetrics({ defaultMetrics: false });

  beforeAll(async () => {
    metrics.observeAttempt('scheduled', 'default-scheduler', 0.01);
    server = await startSchedulerHttp({
      port: 0,
      registry: metrics.registry,
      healthy: () => healthy,
      ready: async () => {
        if (!ready) throw new Error('not synced');
        return true;
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(() => {
    healthy = true;
    ready = true;
  });

  const get = async (path: string, method = 'GET') => {
    const res = await fetch(`${server!.url}${path}`, { method });
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };

  it.each(['/healthz', '/livez', '/readyz', '/healthz/', '/readyz?exclude=x'])('%s answers ok', async (path) => {
    expect(await get(path)).toMatchObject({ status: 200, body: 'ok' });
  });

  it('reports a failing liveness check on every probe', async () => {
    healthy = false;
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const res = await get(path);
      expect(res.status).toBe(500);
      expect(res.body).toBe(`[-]scheduler failed: reason withheld\n${path.slice(1)} check failed\n`);
    }
  });

  it('readiness only affects /readyz', async () => {
    ready = false;
    expect((await get('/healthz')).status).toBe(200);
    const res = await get('/readyz?verbose');
    expect(res.status).toBe(500);
    expect(res.body).toBe('[+]ping ok\n[+]scheduler ok\n[-]sched-handler-sync failed: reason withheld\nreadyz check failed\n');
  });

  it('lists checks with ?verbose', async () => {
    expect((await get('/livez?verbose')).body).toBe('[+]ping ok\n[+]scheduler ok\nlivez check passed\n');
  });

  it('serves /metrics in the Prometheus text format', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.body).toContain('scheduler_schedule_attempts_total{result="scheduled",profile="default-scheduler"} 1');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/healthz', 'POST')).status).toBe(405);
    expect(await get('/healthz', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('stops', async () => {
    const s = await startSchedulerHttp({ port: 0, registry: new Registry(), healthy: () => true });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    await s.stop();
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
  });
});
