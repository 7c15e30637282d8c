// A hand-driven Informer for unit tests of the scheduler's wiring: the test
// calls add/update/remove and the registered handlers run at once, with an
// optional trace context as the informer's meta.trace. Test-only.
import {
  type EventHandlerRegistration,
  type EventMeta,
  Indexer,
  type Informer,
  type KubeObject,
  type ResourceEventHandler,
  type TraceContext,
} from '@k8ts/client';

export class FakeInformer<T extends KubeObject> implements Informer<T> {
  readonly indexer = new Indexer<T>();
  private readonly handlers: ResourceEventHandler<T>[] = [];
  private rv = 1;

  constructor(readonly name: string) {}

  get lister(): Indexer<T> {
    return this.indexer;
  }

  private meta(trace?: TraceContext): EventMeta {
    return { revision: String(++this.rv), trace };
  }

  async add(obj: T, trace?: TraceContext): Promise<void> {
    this.indexer.set(obj);
    for (const h of this.handlers) await h.onAdd?.(obj, false, this.meta(trace));
  }

  async update(obj: T, trace?: TraceContext): Promise<void> {
    const old = this.indexer.get(this.indexer.keyOf(obj)) ?? obj;
    this.indexer.set(obj);
    for (const h of this.handlers) await h.onUpdate?.(old, obj, this.meta(trace));
  }

  async remove(obj: T): Promise<void> {
    const old = this.indexer.delete(obj) ?? obj;
    for (const h of this.handlers) await h.onDelete?.(old, this.meta());
  }

  addEventHandler(handler: ResourceEventHandler<T>): EventHandlerRegistration {
    this.handlers.push(handler);
    return { hasSynced: () => true, remove: () => this.removeEventHandler() };
  }
  removeEventHandler(): void {
    // not needed by the tests
  }
  addIndexers(): void {
    // not needed by the tests
  }
  hasSynced(): boolean {
    return true;
  }
  waitForSync(): Promise<boolean> {
    return Promise.resolve(true);
  }
  lastSyncResourceVersion(): string {
    return String(this.rv);
  }
  run(): void {
    // driven by the test
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  isStopped(): boolean {
    return false;
  }
}
