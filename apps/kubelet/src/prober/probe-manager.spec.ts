import type { Container, Probe } from '@k8ts/api';
import { FakeClock } from '@k8ts/testing';
import { ProbeManager } from './probe-manager';
import type { ProbeKind, ProbeResult, ProbeTarget, Prober } from './prober';
import { probeSpec } from './worker';

/** A prober that returns scripted results per probe kind (then repeats `otherwise`). */
class ScriptedProber implements Prober {
  readonly calls: { kind: ProbeKind; at: number }[] = [];
  private readonly scripts = new Map<ProbeKind, ProbeResult[]>();
  private readonly otherwise = new Map<ProbeKind, ProbeResult>();

  private readonly start: number;

  constructor(private readonly clock: FakeClock) {
    this.start = clock.now();
  }

  script(kind: ProbeKind, results: ProbeResult[], otherwise: ProbeResult = results[results.length - 1] ?? 'success'): this {
    this.scripts.set(kind, [...results]);
    this.otherwise.set(kind, otherwise);
    return this;
  }

  async probe(_probe: Probe, kind: ProbeKind): Promise<{ result: ProbeResult; output: string }> {
    this.calls.push({ kind, at: this.clock.now() });
    const result = this.scripts.get(kind)?.shift() ?? this.otherwise.get(kind) ?? 'success';
    return { result, output: `${kind} ${result}` };
  }

  times(kind: ProbeKind): number[] {
    return this.calls.filter((c) => c.kind === kind).map((c) => (c.at - this.start) / 1000);
  }
}

const target: ProbeTarget = { podIP: '127.244.1.2', containerId: 'c1', env: {} };
const tcp = (o: Partial<Probe> = {}): Probe => ({ handler: { tcpSocket: { port: { type: 0, intVal: 8080 } } }, ...o });

function setup(container: Container, script: (p: ScriptedProber) => void) {
  const clock = new FakeClock();
  const prober = new ScriptedProber(clock);
  script(prober);
  const events: string[] = [];
  const m = new ProbeManager({
    prober,
    clock,
    onResult: (uid, name, kind, result) => events.push(`${(clock.now() - start) / 1000}s ${uid}/${name} ${kind}=${result}`),
  });
  const start = clock.now();
  m.addContainer('uid', container, target, start);
  const at = async (seconds: number) => {
    await clock.advanceAsync(start + seconds * 1000 - clock.now());
  };
  return { clock, prober, m, events, start, at };
}

describe('probeSpec', () => {
  it.each([
    { desc: 'absent fields get defaults', probe: {}, want: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } },
    { desc: 'given fields are kept', probe: { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 1 }, want: { initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 1 } },
    { desc: 'zero means default', probe: { periodSeconds: 0, failureThreshold: 0 }, want: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } },
  ])('$desc', ({ probe, want }) => {
    expect(probeSpec(probe)).toEqual(want);
  });
});

describe('ProbeManager', () => {
  it('without probes: started and ready at once, never live-failed', async () => {
    const { m, prober, at } = setup({ name: 'app' }, () => undefined);
    expect([m.started('uid', 'app'), m.readiness('uid', 'app'), m.livenessFailed('uid', 'app')]).toEqual([true, true, false]);
    await at(100);
    expect(prober.calls).toEqual([]);
    expect(m.readiness('uid', 'other')).toBe(false);
    expect(m.started('uid', 'other')).toBe(false);
  });

  it.each([
    {
      desc: 'successThreshold 1: ready after the first success',
      probe: tcp({ periodSeconds: 1 }),
      results: ['success'] as ProbeResult[],
      readyAt: [[0, true]] as [number, boolean][],
    },
    {
      desc: 'successThreshold 3: ready after three successes',
      probe: tcp({ periodSeconds: 2, successThreshold: 3 }),
      results: ['success'] as ProbeResult[],
      readyAt: [[0, false], [2, false], [4, true]] as [number, boolean][],
    },
    {
      desc: 'initialDelay 5 s: no probe before it',
      probe: tcp({ initialDelaySeconds: 5 }),
      results: ['success'] as ProbeResult[],
      readyAt: [[4.999, false], [5, true]] as [number, boolean][],
    },
    {
      desc: 'failure run is reset by a success',
      probe: tcp({ periodSeconds: 1, successThreshold: 2 }),
      results: ['success', 'failure', 'success', 'success'] as ProbeResult[],
      readyAt: [[1, false], [2, false], [3, true]] as [number, boolean][],
    },
    {
      desc: 'unknown results are ignored',
      probe: tcp({ periodSeconds: 1, successThreshold: 2 }),
      results: ['success', 'unknown', 'success'] as ProbeResult[],
      readyAt: [[1, false], [2, true]] as [number, boolean][],
    },
  ])('readiness: $desc', async ({ probe, results, readyAt }) => {
    const { m, at } = setup({ name: 'app', readinessProbe: probe }, (p) => p.script('readiness', results));
    expect(m.readiness('uid', 'app')).toBe(false);
    for (const [t, want] of readyAt) {
      await at(t);
      expect([t, m.readiness('uid', 'app')]).toEqual([t, want]);
    }
  });

  it('readiness flips back only after failureThreshold failures, reporting changes only', async () => {
    const { m, at, events, prober } = setup(
      { name: 'app', readinessProbe: tcp({ periodSeconds: 10, failureThreshold: 3 }) },
      (p) => p.script('readiness', ['success', 'success', 'failure', 'failure', 'failure', 'success']),
    );
    await at(0);
    expect(m.readiness('uid', 'app')).toBe(true);
    await at(30);
    expect(m.readiness('uid', 'app')).toBe(true);
    await at(40);
    expect(m.readiness('uid', 'app')).toBe(false);
    await at(50);
    expect(m.readiness('uid', 'app')).toBe(true);
    expect(events).toEqual(['0s uid/app readiness=success', '40s uid/app readiness=failure', '50s uid/app readiness=success']);
    expect(prober.times('readiness')).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it('liveness: fails after failureThreshold, then holds until restarted', async () => {
    const container: Container = { name: 'app', livenessProbe: tcp({ periodSeconds: 5, failureThreshold: 2 }) };
    const { m, at, events, prober, clock } = setup(container, (p) => p.script('liveness', ['success', 'failure', 'failure'], 'failure'));
    await at(5);
    expect(m.livenessFailed('uid', 'app')).toBe(false);
    m.addContainer('uid', container, target, 0); // every sync re-adds: no reset
    await at(10);
    expect(m.livenessFailed('uid', 'app')).toBe(true);
    await at(60);
    expect(prober.times('liveness')).toEqual([0, 5, 10]);
    expect(events).toEqual(['10s uid/app liveness=failure']);

    // Restart: a new container starts over as live and fails again.
    m.removeContainer('uid', 'app');
    m.addContainer('uid', container, { ...target, containerId: 'c2' }, clock.now());
    expect(m.livenessFailed('uid', 'app')).toBe(false);
    await at(70);
    expect(m.livenessFailed('uid', 'app')).toBe(true);
    expect(events).toEqual(['10s uid/app liveness=failure', '60s uid/app liveness=success', '65s uid/app liveness=failure']);
  });

  it('startup gates readiness and liveness', async () => {
    const container: Container = {
      name: 'app',
      startupProbe: tcp({ periodSeconds: 2, failureThreshold: 10 }),
      readinessProbe: tcp({ periodSeconds: 10 }),
      livenessProbe: tcp({ periodSeconds: 10, initialDelaySeconds: 15 }),
    };
    const { m, at, prober, events } = setup(container, (p) => p.script('startup', ['failure', 'failure', 'success']).script('readiness', ['success']).script('liveness', ['success']));
    await at(3);
    expect([m.started('uid', 'app'), m.readiness('uid', 'app'), m.livenessFailed('uid', 'app')]).toEqual([false, false, false]);
    expect(prober.times('readiness')).toEqual([]);
    await at(4);
    expect(m.started('uid', 'app')).toBe(true);
    await at(30);
    expect(m.readiness('uid', 'app')).toBe(true);
    expect(prober.times('startup')).toEqual([0, 2, 4]);
    // Readiness runs right after startup; liveness waits for its initial delay from the container start.
    expect(prober.times('readiness')).toEqual([4, 14, 24]);
    expect(prober.times('liveness')).toEqual([15, 25]);
    expect(events).toEqual(['4s uid/app startup=success', '4s uid/app readiness=success']);
  });

  it('startup failure at threshold asks for a restart and stops probing', async () => {
    const container: Container = { name: 'app', startupProbe: tcp({ periodSeconds: 1, failureThreshold: 3 }), readinessProbe: tcp() };
    const { m, at, prober, events } = setup(container, (p) => p.script('startup', [], 'failure'));
    await at(10);
    expect([m.started('uid', 'app'), m.startupFailed('uid', 'app'), m.livenessFailed('uid', 'app'), m.readiness('uid', 'app')]).toEqual([false, true, true, false]);
    expect(prober.times('startup')).toEqual([0, 1, 2]);
    expect(prober.times('readiness')).toEqual([]);
    expect(events).toEqual(['2s uid/app startup=failure']);
  });

  it('re-adding the same container is a no-op; a new container id resets readiness; removePod stops everything', async () => {
    const container: Container = { name: 'app', readinessProbe: tcp({ periodSeconds: 1 }) };
    const { m, at, prober, events, clock } = setup(container, (p) => p.script('readiness', ['success']));
    await at(1);
    m.addContainer('uid', container, target, clock.now());
    expect(m.readiness('uid', 'app')).toBe(true);
    m.addContainer('uid', container, { ...target, containerId: 'c2' }, clock.now());
    expect(m.readiness('uid', 'app')).toBe(false);
    expect(events).toEqual(['0s uid/app readiness=success', '1s uid/app readiness=failure']);
    m.removePod('uid');
    expect(m.size()).toBe(0);
    const n = prober.calls.length;
    await at(20);
    expect(prober.calls.length).toBe(n);
    expect(clock.pending()).toBe(0);
  });

  it('a probe in flight when the container is removed is discarded', async () => {
    const clock = new FakeClock();
    let release: (r: { result: ProbeResult; output: string }) => void = () => undefined;
    const prober: Prober = { probe: () => new Promise((r) => (release = r)) };
    const events: string[] = [];
    const m = new ProbeManager({ prober, clock, onResult: (_u, _n, kind, result) => events.push(`${kind}=${result}`) });
    m.addContainer('uid', { name: 'app', readinessProbe: tcp() }, target, clock.now());
    await clock.advanceAsync(1);
    m.removeContainer('uid', 'app');
    release({ result: 'success', output: '' });
    await clock.advanceAsync(100_000);
    expect(events).toEqual([]);
    expect(m.readiness('uid', 'app')).toBe(false);
  });
});
