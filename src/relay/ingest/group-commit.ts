/**
 * Group commit: the webhooks that arrive in one turn of the event loop are written in one
 * transaction, so that they share its fsync; those that arrive while a commit is under way form
 * the next one. Each write's promise settles only once the commit holding it has finished: with
 * its result, or with the commit's error for every write in it.
 */
import type { IngestResult, IngestStore, IngestWrite } from '../storage/types';

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
  private committing = false;

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

  private async commit(): Promise<void> {
    this.scheduled = false;
    // A commit under way schedules the next one when it ends.
    if (this.committing || this.waiting.length === 0) {
      return;
    }
    const batch = this.waiting.splice(0, this.maxBatch);
    this.committing = true;
    try {
      const results = await this.storage.ingest(batch.map((waiting) => waiting.write));
      batch.forEach((waiting, index) => waiting.resolve(results[index]));
    } catch (error) {
      for (const waiting of batch) {
        waiting.reject(error);
      }
    } finally {
      this.committing = false;
      if (this.waiting.length > 0) {
        this.schedule();
      }
    }
  }
}
