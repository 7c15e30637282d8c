// Builders shared by the registry specs of pods, replicasets and
// deployments. Test-only: production code must not import this file.
import type { Deployment, Pod, PodSpec, ReplicaSet } from '@k8ts/api';
import type { FieldError } from '@k8ts/apimachinery';
import { MemoryStorage } from '../../storage/memory-storage';
import { type Clock, type ObjectCodec, Store } from '../generic/store';
import type { KubeObject, Strategy } from '../generic/strategy';
import { setPodSpecDefaults } from './defaults';

export const jsonCodec: ObjectCodec<never> = {
  encode: (o) => Buffer.from(JSON.stringify(o)),
  decode: (b) => JSON.parse(Buffer.from(b).toString()) as never,
};

export function newStore<T extends KubeObject>(strategy: Strategy<T>, clock?: Clock): Store<T> {
  return new Store<T>(strategy, new MemoryStorage(), jsonCodec as ObjectCodec<T>, [], clock);
}

/** A minimal valid spec: one container named `app`. */
export function podSpec(overrides: Partial<PodSpec> = {}): PodSpec {
  return { containers: [{ name: 'app', image: 'nginx:1.25' }], ...overrides };
}

/** A valid, defaulted spec ready for the pure validators. */
export function defaultedPodSpec(mutate: (s: PodSpec) => void = () => undefined): PodSpec {
  const s = podSpec();
  mutate(s);
  setPodSpecDefaults(s);
  return s;
}

export function newPod(name = 'web', spec: PodSpec = podSpec()): Pod {
  return { metadata: { name, namespace: 'default', labels: { app: 'web' } }, spec };
}

const template = () => ({ metadata: { labels: { app: 'web' } }, spec: podSpec() });

export function newReplicaSet(name = 'web'): ReplicaSet {
  return { metadata: { name, namespace: 'default' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template() } };
}

export function newDeployment(name = 'web'): Deployment {
  return { metadata: { name, namespace: 'default' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template() } };
}

/** Errors reduced to "field: type" strings, easy to compare in tables. */
export function summarize(errs: readonly FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${e.type}`);
}

/** The Status causes of a thrown Invalid error, as "field: type" strings. */
export async function invalidCauses(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (err) {
    const status = (err as { status?: { reason?: string; details?: { causes?: { field?: string; reason?: string }[] } } }).status;
    if (status?.reason !== 'Invalid') throw err;
    return (status.details?.causes ?? []).map((c) => `${c.field ?? ''}: ${c.reason ?? ''}`);
  }
  throw new Error('expected the call to fail with Invalid');
}

export class TestClock implements Clock {
  constructor(public time = new Date('2024-01-01T00:00:00Z')) {}
  now(): Date {
    return this.time;
  }
  advance(seconds: number): void {
    this.time = new Date(this.time.getTime() + seconds * 1000);
  }
}
