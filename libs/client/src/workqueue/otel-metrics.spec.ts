import type { Meter } from '@opentelemetry/api';
import { FakeClock } from '@k8ts/testing';
import { otelWorkQueueMetrics } from './otel-metrics';
import { WorkQueue } from './queue';

describe('otelWorkQueueMetrics', () => {
  it('records the queue’s activity on the meter’s instruments, labelled with the queue name', async () => {
    const recorded: string[] = [];
    const instrument = (name: string) => ({
      add: (v: number, attrs: unknown) => recorded.push(`${name} +${v} ${JSON.stringify(attrs)}`),
      record: (v: number, attrs: unknown) => recorded.push(`${name} =${v} ${JSON.stringify(attrs)}`),
    });
    const meter = {
      createGauge: instrument,
      createCounter: instrument,
      createHistogram: instrument,
    } as unknown as Meter;
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, metrics: otelWorkQueueMetrics('pods', meter) });
    q.add('a');
    clock.advance(1500);
    q.done((await q.get()) as string);
    expect(recorded).toEqual([
      'workqueue.adds +1 {"name":"pods"}',
      'workqueue.depth =1 {"name":"pods"}',
      'workqueue.queue_duration =1.5 {"name":"pods"}',
      'workqueue.depth =0 {"name":"pods"}',
      'workqueue.work_duration =0 {"name":"pods"}',
    ]);
  });

  it('works on the global (no-op) meter', () => {
    const q = new WorkQueue({ metrics: otelWorkQueueMetrics('noop') });
    expect(() => q.add('a')).not.toThrow();
  });
});
