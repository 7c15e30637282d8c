// Finishes namespace deletion, as upstream's namespace controller does: once
// a Namespace is terminating, every namespaced object in it is deleted
// (pods bound to nodes gracefully, so their kubelets can stop them), and when
// nothing is left the "kubernetes" finalizer is removed, which lets the store
// remove the Namespace itself.
import type { Namespace } from '@k8ts/api';
import { isConflict, isNotFound } from '@k8ts/apimachinery';
import type { Logger } from 'pino';
import type { Store } from '../registry/generic/store';
import type { Registry } from '../registry/registry';

export const NAMESPACE_FINALIZER = 'kubernetes';

export interface NamespaceControllerOptions {
  registry: Registry;
  /** A Store over the namespace finalize strategy (only spec.finalizers may change through it). */
  finalizeStore: Store<Namespace>;
  logger: Logger;
  /** How soon a namespace whose content is still going away is looked at again. */
  recheckMs?: number;
}

export class NamespaceController {
  private readonly queue = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = false;
  private stopped = false;
  private stopWatch?: () => void;

  constructor(private readonly opts: NamespaceControllerOptions) {}

  async start(): Promise<void> {
    const store = this.opts.registry.namespaces;
    const watch = await store.watch(undefined, { resourceVersion: '' });
    this.stopWatch = () => watch.stop();
    void (async () => {
      try {
        for await (const ev of watch) {
          if (ev.type === 'BOOKMARK' || ev.type === 'DELETED') continue;
          if (ev.object.metadata?.deletionTimestamp) this.enqueue(ev.object.metadata.name ?? '');
        }
      } catch (err) {
        if (!this.stopped) this.opts.logger.error({ err }, 'namespace watch failed; restarting');
        if (!this.stopped) setTimeout(() => void this.start(), 1000).unref();
      }
    })();
  }

  stop(): void {
    this.stopped = true;
    this.stopWatch?.();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private enqueue(name: string, delayMs = 0): void {
    if (this.stopped || !name) return;
    if (delayMs > 0) {
      if (this.timers.has(name)) return;
      this.timers.set(
        name,
        setTimeout(() => {
          this.timers.delete(name);
          this.enqueue(name);
        }, delayMs).unref(),
      );
      return;
    }
    this.queue.add(name);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.size > 0 && !this.stopped) {
        const name = this.queue.values().next().value as string;
        this.queue.delete(name);
        try {
          const done = await this.syncNamespace(name);
          if (!done) this.enqueue(name, this.opts.recheckMs ?? 1000);
        } catch (err) {
          this.opts.logger.warn({ err, namespace: name }, 'namespace cleanup failed; retrying');
          this.enqueue(name, this.opts.recheckMs ?? 1000);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** True when the namespace is gone or not terminating; false when content remains. */
  async syncNamespace(name: string): Promise<boolean> {
    const store = this.opts.registry.namespaces;
    let ns: Namespace;
    try {
      ns = await store.get(undefined, name);
    } catch (err) {
      if (isNotFound(err)) return true;
      throw err;
    }
    if (!ns.metadata?.deletionTimestamp) return true;
    let remaining = 0;
    for (const entry of this.opts.registry.all()) {
      if (!entry.info.namespaced) continue;
      const { items } = await entry.store.list(name);
      for (const obj of items) {
        remaining++;
        if (obj.metadata?.deletionTimestamp) continue;
        try {
          await entry.store.delete(name, obj.metadata?.name ?? '', {});
        } catch (err) {
          if (!isNotFound(err) && !isConflict(err)) throw err;
        }
      }
    }
    if (remaining > 0) return false;
    try {
      await this.opts.finalizeStore.guaranteedUpdate(undefined, name, (current) => ({
        ...current,
        spec: { ...current.spec, finalizers: (current.spec?.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER) },
      }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.opts.logger.info({ namespace: name }, 'namespace content removed; namespace finalized');
    return true;
  }
}
