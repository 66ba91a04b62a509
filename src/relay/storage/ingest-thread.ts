/**
 * SqliteStorage's ingest transactions, on a thread with its own connection. better-sqlite3 is
 * synchronous: run on the event loop, a group commit would stop everything for its fsync. Here the
 * loop goes on reading webhooks while a commit is under way, and they form the next group.
 */
import { Worker } from 'node:worker_threads';
import type { AlertGroup } from '../../core/alert';
import { StorageUnavailable, type IngestResult, type IngestWrite } from './types';

/** A delivery as the thread inserts it: its group is one of its write's `groups`, by index. */
interface Row {
  ruleUid: string;
  serviceUid: string;
  destination: string;
  kind: string;
  label: string;
  group: number;
  isTest: 0 | 1;
  notBefore: number;
  reason: string | null;
}

/** One IngestWrite as posted to the thread; `skipReason` set for action skip. */
interface ThreadWrite {
  skipReason: string | null;
  dedupKey: string;
  dedupWindowMs: number;
  now: number;
  /** The groups of the deliveries (one per webhook, whatever its number of destinations). */
  groups: string[];
  rows: Row[];
}

type Answer = { id: number; results: IngestResult[] } | { id: number; error: string };

// Plain CommonJS evaluated in the thread, so that it runs the same from source and from the bundle.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = 0');
const seen = db.prepare('SELECT received_at FROM ingests WHERE dedup_key = ?');
const remember = db.prepare(
  'INSERT INTO ingests (dedup_key, received_at) VALUES (?, ?) ON CONFLICT (dedup_key) DO UPDATE SET received_at = excluded.received_at'
);
// A new pending delivery makes its queue due by its not_before at the latest.
const touchDestination = db.prepare(
  'INSERT INTO destinations (destination, next_due) VALUES (?, ?) ON CONFLICT (destination) DO UPDATE SET ' +
  'next_due = CASE WHEN next_due IS NULL OR excluded.next_due < next_due THEN excluded.next_due ELSE next_due END'
);
const insertGroup = db.prepare('INSERT INTO groups (json) VALUES (?)');
// Positional parameters: binding by name costs several times more per row.
const insert = db.prepare(
  'INSERT INTO deliveries (rule_uid, service_uid, destination, kind, label, group_id, is_test, not_before, status, reason, created_at) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
);
function insertRows({ rows, groups, now }, status, reason) {
  const groupIds = groups.map((json) => insertGroup.run(json).lastInsertRowid);
  return rows.map((row) =>
    Number(
      insert.run(
        row.ruleUid, row.serviceUid, row.destination, row.kind, row.label, groupIds[row.group], row.isTest,
        row.notBefore, status, reason || row.reason, now
      ).lastInsertRowid
    )
  );
}
const ingest = db.transaction((writes) => {
  // Each queue of the commit is touched once, by its earliest new delivery.
  const due = new Map();
  const results = writes.map((write) => {
    if (write.skipReason) {
      return { stored: false, ids: insertRows(write, 'skipped', write.skipReason) };
    }
    const previous = seen.get(write.dedupKey);
    if (previous && write.now - previous.received_at < write.dedupWindowMs) {
      return { stored: false, ids: insertRows(write, 'skipped', 'duplicate') };
    }
    remember.run(write.dedupKey, write.now);
    for (const { destination, notBefore } of write.rows) {
      due.set(destination, Math.min(due.get(destination) ?? notBefore, notBefore));
    }
    return { stored: true, ids: insertRows(write, 'pending', null) };
  });
  for (const [destination, notBefore] of due) {
    touchDestination.run(destination, notBefore);
  }
  return results;
});
parentPort.on('message', ({ id, writes }) => {
  try {
    // IMMEDIATE: one that reads first could not wait for the write lock once another connection
    // has committed since its read; it would fail at once.
    parentPort.postMessage({ id, results: ingest.immediate(writes) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});
`;

/** The deliveries of one webhook share their group: it is serialised and posted once. */
function toThreadWrite(write: IngestWrite): ThreadWrite {
  const groups: string[] = [];
  let group: AlertGroup | undefined;
  const rows = write.deliveries.map((delivery): Row => {
    if (delivery.group !== group) {
      group = delivery.group;
      groups.push(JSON.stringify(group));
    }
    return {
      ruleUid: delivery.ruleUid,
      serviceUid: delivery.serviceUid,
      destination: delivery.destination,
      kind: delivery.kind,
      label: delivery.label,
      group: groups.length - 1,
      isTest: delivery.isTest ? 1 : 0,
      notBefore: delivery.notBefore,
      reason: delivery.reason ?? null,
    };
  });
  return write.action === 'skip'
    ? { skipReason: write.reason, dedupKey: '', dedupWindowMs: 0, now: write.now, groups, rows }
    : { skipReason: null, dedupKey: write.dedupKey, dedupWindowMs: write.dedupWindowMs, now: write.now, groups, rows };
}

export class IngestThread {
  private thread: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(results: IngestResult[]): void; reject(error: Error): void }>();
  private readonly inFlight = new Set<Promise<IngestResult[]>>();

  /** Starts the thread at once; should it stop, the next ingest starts another. */
  constructor(private readonly file: string) {
    this.thread = this.start();
  }

  /** Writes in one transaction on the thread; StorageUnavailable when it fails (nothing is stored then). */
  ingest(writes: IngestWrite[]): Promise<IngestResult[]> {
    const thread = (this.thread ??= this.start());
    const message = { id: this.nextId++, writes: writes.map(toThreadWrite) };
    const committed = new Promise<IngestResult[]>((resolve, reject) => {
      this.waiting.set(message.id, { resolve, reject });
      // Referenced only while a commit is awaited: an idle thread does not keep the process alive.
      thread.ref();
      thread.postMessage(message);
    });
    this.inFlight.add(committed);
    const settled = () => this.inFlight.delete(committed);
    committed.then(settled, settled);
    return committed;
  }

  /** Resolves once no commit is under way. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled(this.inFlight);
    }
  }

  /** Lets the commits under way finish, then ends the thread. */
  async stop(): Promise<void> {
    await this.idle();
    await this.thread?.terminate();
    this.thread = undefined;
  }

  private start(): Worker {
    const thread = new Worker(THREAD, {
      eval: true,
      execArgv: [],
      workerData: { driver: require.resolve('better-sqlite3'), file: this.file },
    });
    thread.unref();
    thread.on('message', (answer: Answer) => {
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) {
        thread.unref();
      }
      if ('error' in answer) {
        waiting?.reject(new StorageUnavailable(`storage error: ${answer.error}`));
      } else {
        waiting?.resolve(answer.results);
      }
    });
    // A thread that died took its open transaction with it: what it was writing is not stored.
    const failAll = (reason: string) => {
      for (const waiting of this.waiting.values()) {
        waiting.reject(new StorageUnavailable(`storage error: ${reason}`));
      }
      this.waiting.clear();
    };
    thread.on('error', (error) => failAll(error.message));
    thread.on('exit', () => {
      if (this.thread === thread) {
        this.thread = undefined;
      }
      failAll('the ingest thread stopped');
    });
    return thread;
  }
}
