// Periodic storage compaction, as kube-apiserver compacts etcd: every
// interval it compacts to the revision it saw one interval earlier, so at
// least one interval of history stays available to watchers and continue
// tokens. Older watch revisions then get 410 Expired.
import type { Logger } from 'pino';
import type { RawStorage } from '../storage/interface';

export class Compactor {
  private timer?: NodeJS.Timeout;
  private previous = 0;

  constructor(
    private readonly storage: RawStorage,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    try {
      const current = await this.storage.currentRevision();
      if (this.previous > 0) {
        await this.storage.compact(this.previous);
        this.logger.debug({ revision: this.previous }, 'compacted storage');
      }
      this.previous = current;
    } catch (err) {
      this.logger.warn({ err }, 'storage compaction failed');
    }
  }
}
