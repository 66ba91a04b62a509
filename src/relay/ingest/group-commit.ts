/**
 * Group commit: the webhooks that arrive in one turn of the event loop are written in one
 * transaction, so that they share its fsync; those that arrive while a commit is under way form
 * the next one (up to the storage's `ingestCommits` under way at once). A commit holds each dedup
 * key once: a repeat (the same group posted twice at once) goes in a later commit, which finds the
 * first one stored; so no ingest upserts a row twice. Each write's promise
 * settles only once the commit holding it has finished: with its result, or with the commit's
 * error for every write in it, and, when storage is unavailable, for every write still queued.
 */
import { StorageUnavailable, type IngestResult, type IngestStore, type IngestWrite } from '../storage/types';

/** Writes per transaction: bounds how long a commit takes, and so how long its webhooks wait. */
const MAX_BATCH = 256;

interface Waiting {
  write: IngestWrite;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

export class GroupCommit {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private committing = 0;

  constructor(
    private readonly storage: IngestStore,
    private readonly maxBatch = MAX_BATCH
  ) {}

  write(write: IngestWrite): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ write, resolve, reject });
      this.schedule();
    });
  }

  /** After the I/O of this turn, when every request read in it has queued its write. */
  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.commit());
    }
  }

  /** The writes waiting longest, up to maxBatch, leaving for later those whose dedup key is in already. */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const later: Waiting[] = [];
    const keys = new Set<string>();
    for (const waiting of this.waiting) {
      const key = waiting.write.action === 'enqueue' ? waiting.write.dedupKey : undefined;
      if (batch.length === this.maxBatch || (key !== undefined && keys.has(key))) {
        later.push(waiting);
        continue;
      }
      batch.push(waiting);
      if (key !== undefined) {
        keys.add(key);
      }
    }
    this.waiting = later;
    return batch;
  }

  private async commit(): Promise<void> {
    this.scheduled = false;
    // A commit under way schedules the next one when it ends.
    if (this.committing >= this.storage.ingestCommits || this.waiting.length === 0) {
      return;
    }
    const batch = this.takeBatch();
    this.committing++;
    try {
      const results = await this.storage.ingest(batch.map((waiting) => waiting.write));
      batch.forEach((waiting, index) => waiting.resolve(results[index]));
    } catch (error) {
      // Storage that just failed a commit is down, most likely: the writes queued behind it are
      // answered now (503, sent again by their senders) rather than after their own timeout.
      const failed = error instanceof StorageUnavailable ? [...batch, ...this.waiting.splice(0)] : batch;
      for (const waiting of failed) {
        waiting.reject(error);
      }
    } finally {
      this.committing--;
      if (this.waiting.length > 0) {
        this.schedule();
      }
    }
  }
}
