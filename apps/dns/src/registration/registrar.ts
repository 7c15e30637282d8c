// KubeDnsRegistrar: keeps the kube-dns Service and Endpoints in place for
// the life of the process. One key on a rate-limited queue: enqueued at
// start and whenever an informer shows either object changed or deleted;
// one worker runs ensureKubeDns() and retries failures with backoff (capped
// at 30 s, forever: DNS registration is worth retrying). On stop it takes
// its own address out of the Endpoints, best effort.
import { ItemExponentialFailureRateLimiter, RateLimitingQueue, runWorkers, type StopWorkers } from '@k8ts/client';
import { deregisterKubeDns, ensureKubeDns, KUBE_DNS_NAME, KUBE_DNS_NAMESPACE, type EnsureResult, type KubeDnsClient, type KubeDnsSpec } from './kube-dns';

const KEY = `${KUBE_DNS_NAMESPACE}/${KUBE_DNS_NAME}`;

export interface RegistrarOptions {
  client: KubeDnsClient;
  spec: KubeDnsSpec;
  /** Backoff of failed attempts (default 100 ms doubling up to 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  onEnsured?(result: EnsureResult): void;
  onError?(err: unknown, attempts: number): void;
}

export class KubeDnsRegistrar {
  private readonly queue: RateLimitingQueue<string>;
  private stopWorkers: StopWorkers | undefined;

  constructor(private readonly opts: RegistrarOptions) {
    this.queue = new RateLimitingQueue<string>({
      name: 'kube-dns-registration',
      rateLimiter: new ItemExponentialFailureRateLimiter<string>(opts.baseDelayMs ?? 100, opts.maxDelayMs ?? 30_000),
    });
  }

  /** Whether an object event concerns the kube-dns Service or Endpoints. */
  static concerns(obj: { metadata?: { namespace?: string; name?: string } }): boolean {
    return obj.metadata?.namespace === KUBE_DNS_NAMESPACE && obj.metadata?.name === KUBE_DNS_NAME;
  }

  /** The objects changed (or were deleted): check them again. */
  onChange(): void {
    this.queue.add(KEY);
  }

  start(): void {
    this.stopWorkers = runWorkers(
      this.queue,
      1,
      async () => {
        const result = await ensureKubeDns(this.opts.client, this.opts.spec);
        this.opts.onEnsured?.(result);
      },
      { maxRetries: Number.MAX_SAFE_INTEGER, onError: (_key, err, requeues) => this.opts.onError?.(err, requeues + 1) },
    );
    this.queue.add(KEY);
  }

  /** Stops the worker; with deregister, removes this process's address from the Endpoints. */
  async stop(deregister: boolean): Promise<void> {
    await this.stopWorkers?.();
    this.stopWorkers = undefined;
    if (deregister) await deregisterKubeDns(this.opts.client, this.opts.spec);
  }
}
