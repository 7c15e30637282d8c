// The contract between the controller-manager process and its controllers.
// Every controller is built by a ControllerFactory from one ControllerContext:
// it registers its informers (ctx.informers.informerFor(...)) and handlers
// while it is built; the manager starts the shared informer factory after all
// selected controllers were built, waits for the caches, and on the leader
// calls run(workers, signal) of each.
import type { ApiClient, EventRecorder, SharedInformerFactory } from '@k8ts/client';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ControllerManagerConfig } from '../config';

export interface Clock {
  now(): Date;
}

export interface ControllerContext {
  client: ApiClient;
  /** Call informerFor(...) in the factory; the manager starts the factory after all controllers were built. */
  informers: SharedInformerFactory;
  /** A child logger per controller ({ controller: name }). */
  logger: Logger;
  config: ControllerManagerConfig;
  clock: Clock;
  /** prom-client registry served on /metrics. */
  metrics: Registry;
  /** An EventRecorder writing Events with source.component = component (one per component, shared). */
  recorder(component: string): EventRecorder;
}

export interface Controller {
  readonly name: string;
  /** Runs the workers until signal aborts (called only on the leader, after caches synced). */
  run(workers: number, signal: AbortSignal): Promise<void>;
}

export type ControllerFactory = (ctx: ControllerContext) => Controller;

export const realClock: Clock = { now: () => new Date() };
