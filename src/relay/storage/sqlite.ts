import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertGroup } from '../../core/alert';
import { startCheckpoints, type Checkpoints } from './checkpoints';
import { IngestThread } from './ingest-thread';
import {
  DELIVERY_ROWS,
  earliestPending,
  GroupCache,
  SEND_LOG_RETENTION_MS,
  STATUS_FILTERS,
  nextDue,
  toAttempt,
  toDelivery,
  toObject,
  withGroup,
  type AttemptRow,
  type DeliveryFields,
  type DeliveryRow,
  type ObjectRow,
} from './rows';
import { migrateSqlite, requireCurrentSchema } from './sqlite-migrate';
import type {
  Attempt,
  AttemptRecord,
  Delivery,
  DeliveryProgress,
  DeliveryQuery,
  DueDestination,
  IngestResult,
  IngestWrite,
  ObjectChange,
  ObjectKind,
  QueueStats,
  RateWindow,
  Storage,
  StoredObject,
  StoredToken,
} from './types';
import { StorageUnavailable, VersionConflict } from './types';

/**
 * A write waits this long for the write lock before storage counts as unavailable, trying again
 * every millisecond or so; a try waits no more than LOCK_TRY_MS in SQLite's busy handler, whose
 * sleeps grow to 100 ms: under constant ingest commits, each of its few wake-ups could land on
 * another commit until the wait ran out, with the thread's event loop stopped meanwhile.
 */
const WRITE_LOCK_WAIT_MS = 5_000;
const LOCK_TRY_MS = 5;

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
}

/**
 * SQLite in WAL mode. Ingests commit on a thread's connection of their own with synchronous=FULL:
 * a 202 survives power loss. This connection (worker state, config, the delivery log's reads)
 * commits with synchronous=NORMAL, which survives kill -9 but not always power loss: its last
 * commits before one may be lost (a message then sent again, the last config change to redo), in
 * exchange for no fsync per claim and per send on the event loop. Statements are prepared once per
 * connection.
 */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  /** One writer at a time: the next batch gathers while this one commits. */
  readonly ingestCommits = 1;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly checkpoints: Checkpoints | undefined;
  /** Only on the connection that takes webhooks. */
  private readonly ingestThread: IngestThread | undefined;
  private readonly groups = new GroupCache();

  /**
   * `onBackgroundError`: a checkpoint failed (the WAL keeps growing until one succeeds).
   * `migrate: false` for a process beside the relay: the schema must already be this release's.
   * `checkpoints: false` for a connection beside the relay's own, which checkpoints for both.
   * `ingests: false` for a connection that takes no webhooks: it starts no ingest thread. The
   * relay's own starts it now, so that the first webhook does not wait for it.
   */
  constructor(
    file: string,
    options: {
      onBackgroundError?: (error: Error) => void;
      migrate?: boolean;
      checkpoints?: boolean;
      ingests?: boolean;
    } = {}
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    fs.chmodSync(file, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Checkpoints run on a thread of their own, never inside a commit on this connection.
    this.db.pragma('wal_autocheckpoint = 0');
    try {
      (options.migrate === false ? requireCurrentSchema : migrateSqlite)(this.db, file);
    } catch (error) {
      this.db.close();
      throw error;
    }
    // The migration above may wait for another process's; from now on write() waits.
    this.db.pragma(`busy_timeout = ${LOCK_TRY_MS}`);
    this.ingestThread = options.ingests === false ? undefined : new IngestThread(file);
    if (options.checkpoints !== false) {
      this.checkpoints = startCheckpoints(file, options.onBackgroundError ?? (() => {}));
    }
  }

  /** The prepared statement for `sql`, prepared on first use. */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** In one transaction on the ingest thread, so that the event loop goes on during the commit. */
  async ingest(writes: IngestWrite[]): Promise<IngestResult[]> {
    if (!this.ingestThread) {
      throw new Error('this storage connection was opened without ingests');
    }
    return this.ingestThread.ingest(writes);
  }

  async ping(): Promise<void> {
    this.guard(() => this.statement('SELECT 1').get());
  }

  async close(): Promise<void> {
    await this.ingestThread?.stop();
    await this.checkpoints?.stop();
    if (this.db.open) {
      this.db.close();
    }
  }

  async listObjects(kind: ObjectKind): Promise<StoredObject[]> {
    const rows = this.guard(
      () => this.statement('SELECT * FROM objects WHERE kind = ? ORDER BY uid').all(kind) as ObjectRow[]
    );
    return rows.map(toObject);
  }

  async getObject(kind: ObjectKind, uid: string): Promise<StoredObject | undefined> {
    const row = this.guard(
      () => this.statement('SELECT * FROM objects WHERE kind = ? AND uid = ?').get(kind, uid) as ObjectRow | undefined
    );
    return row && toObject(row);
  }

  async writeObjects(changes: ObjectChange[]): Promise<void> {
    const versionOf = this.statement('SELECT version FROM objects WHERE kind = ? AND uid = ?');
    const upsert = this.statement(`
      INSERT INTO objects (kind, uid, name, sealed, provenance, version, created_at, updated_at)
      VALUES (@kind, @uid, @name, @sealed, @provenance, 1, @now, @now)
      ON CONFLICT (kind, uid) DO UPDATE SET name = @name, sealed = @sealed, provenance = @provenance,
        version = version + 1, updated_at = @now`);
    const remove = this.statement('DELETE FROM objects WHERE kind = ? AND uid = ?');
    await this.write(() => {
      for (const change of changes) {
        const uid = change.op === 'put' ? change.object.uid : change.uid;
        if (change.expectVersion !== undefined) {
          const current = versionOf.get(change.kind, uid) as { version: number } | undefined;
          if ((current?.version ?? 0) !== change.expectVersion) {
            throw new VersionConflict(change.kind, uid, current?.version ?? null);
          }
        }
        if (change.op === 'put') {
          upsert.run({ kind: change.kind, ...change.object, now: change.now });
        } else {
          remove.run(change.kind, uid);
        }
      }
    });
  }

  /** One relay process owns a SQLite file: no one else changes its objects. */
  onObjectsChanged(): void {}

  async dueDestinations(now: number): Promise<DueDestination[]> {
    const rows = this.guard(
      () =>
        this.statement(
          `SELECT destination, MAX(next_due, retry_at) AS dueAt FROM destinations
             WHERE next_due IS NOT NULL AND claimed_until <= ?`
        ).all(now) as DueDestination[]
    );
    return rows;
  }

  async claimDestination(
    destination: string,
    worker: string,
    leaseMs: number,
    limit: number,
    now: number
  ): Promise<Delivery[]> {
    const claim = this.statement(`
      INSERT INTO destinations (destination, claimed_by, claimed_until) VALUES (@destination, @worker, @until)
      ON CONFLICT (destination) DO UPDATE SET claimed_by = @worker, claimed_until = @until
      WHERE destinations.claimed_until <= @now OR destinations.claimed_by = @worker`);
    const due = `SELECT id FROM deliveries WHERE destination = @destination AND status = 'pending' AND not_before <= @now`;
    const pending = this.statement(
      `SELECT d.* FROM deliveries d WHERE d.id IN (${due} ORDER BY id LIMIT @limit)
         OR d.id IN (${due} AND summarized = 0 ORDER BY id LIMIT @limit)
       ORDER BY d.id`
    );
    return this.write(() => {
      if (claim.run({ destination, worker, until: now + leaseMs, now }).changes === 0) {
        return [];
      }
      const rows = pending.all({ destination, now, limit }) as DeliveryFields[];
      if (rows.length === 0) {
        this.statement(
          `UPDATE destinations SET claimed_by = NULL, claimed_until = 0, next_due = ${nextDue('@destination', '@now')} WHERE destination = @destination`
        ).run({ destination, now });
      }
      const groups = this.claimedGroups(rows.map((row) => row.group_id));
      return rows.map((row) => withGroup(row, groups.get(row.group_id)!));
    });
  }

  private claimedGroups(ids: number[]): Map<number, AlertGroup> {
    const missing = this.groups.missing(ids);
    const rows =
      missing.length === 0
        ? []
        : (this.statement('SELECT id, json FROM groups WHERE id IN (SELECT value FROM json_each(?))').all(
            JSON.stringify(missing)
          ) as Array<{ id: number; json: string }>);
    return this.groups.take(ids, rows);
  }

  async renewClaim(destination: string, worker: string, leaseMs: number, now: number): Promise<boolean> {
    const renewed = await this.write(() =>
      this.statement('UPDATE destinations SET claimed_until = ? WHERE destination = ? AND claimed_by = ?').run(
        now + leaseMs,
        destination,
        worker
      )
    );
    return renewed.changes > 0;
  }

  /** One relay process owns a SQLite file, so at its start every claim in it is stale. */
  async recoverClaims(): Promise<void> {
    await this.write(() =>
      this.statement(
        `UPDATE destinations SET claimed_by = NULL, claimed_until = 0, next_due = ${earliestPending('destinations.destination')}`
      ).run()
    );
  }

  async releaseDestination(
    destination: string,
    worker: string,
    hold: { retryAt: number | null; failures: number },
    now: number
  ): Promise<void> {
    await this.write(() =>
      this.statement(
        `UPDATE destinations SET claimed_by = NULL, claimed_until = 0, next_due = ${nextDue('@destination', '@now')},
             retry_at = COALESCE(@retryAt, 0),
             failures = @failures
           WHERE destination = @destination AND claimed_by = @worker`
      ).run({ destination, worker, retryAt: hold.retryAt, failures: hold.failures, now })
    );
  }

  async destinationFailures(destination: string): Promise<number> {
    const row = this.guard(
      () =>
        this.statement('SELECT failures FROM destinations WHERE destination = ?').get(destination) as
          { failures: number } | undefined
    );
    return row?.failures ?? 0;
  }

  async recordAttempt(attempt: AttemptRecord, progress: DeliveryProgress[]): Promise<void> {
    const insert = this.statement(`
      INSERT INTO attempts (delivery_id, destination, at, ok, errcode, errmsg, http_status, duration_ms, message_json, invalid_recipients)
      VALUES (@deliveryId, @destination, @at, @ok, @errcode, @errmsg, @httpStatus, @durationMs, @message, @invalid)`);
    const advance = this.statement(`
      UPDATE deliveries SET parts_sent = @partsSent, digest = @digest, attempts = attempts + 1,
        summarized = CASE WHEN @summarized THEN 1 ELSE summarized END,
        status = CASE WHEN @done THEN 'sent' ELSE status END,
        sent_at = CASE WHEN @done THEN @at ELSE sent_at END,
        last_errcode = @errcode, last_error = @error,
        invalid_recipients = COALESCE(@invalid, invalid_recipients)
      WHERE id = @id`);
    const message = JSON.stringify(attempt.message);
    const invalid = attempt.invalidRecipients?.length ? JSON.stringify(attempt.invalidRecipients) : null;
    await this.write(() => {
      for (const deliveryId of attempt.deliveryIds) {
        insert.run({ ...attempt, deliveryId, ok: attempt.ok ? 1 : 0, message, invalid });
      }
      for (const step of progress) {
        advance.run({
          ...step,
          done: step.done ? 1 : 0,
          digest: step.digest ? 1 : 0,
          summarized: step.summarized ? 1 : 0,
          at: attempt.at,
          errcode: attempt.ok ? null : attempt.errcode,
          error: attempt.ok ? null : attempt.errmsg,
          invalid,
        });
      }
    });
  }

  async failDeliveries(ids: number[], errcode: number | null, error: string): Promise<void> {
    const fail = this.statement(
      `UPDATE deliveries SET status = 'failed', last_errcode = ?, last_error = ?, sent_at = NULL WHERE id = ? AND status = 'pending'`
    );
    await this.write(() => {
      for (const id of ids) {
        fail.run(errcode, error, id);
      }
    });
  }

  async failDueDeliveries(destination: string, errcode: number | null, error: string, now: number): Promise<number[]> {
    const fail = this.statement(
      `UPDATE deliveries SET status = 'failed', last_errcode = ?, last_error = ?, sent_at = NULL
         WHERE destination = ? AND status = 'pending' AND not_before <= ? RETURNING id`
    );
    const rows = await this.write(() => fail.all(errcode, error, destination, now) as Array<{ id: number }>);
    return rows.map((row) => row.id);
  }

  async countSends(keys: string[], since: number): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const count = this.statement('SELECT COUNT(*) AS n FROM sends WHERE limiter_key = ? AND at > ?');
    this.guard(() => {
      for (const key of keys) {
        counts.set(key, (count.get(key, since) as { n: number }).n);
      }
    });
    return counts;
  }

  async oldestSend(key: string, since: number): Promise<number | null> {
    const row = this.guard(
      () =>
        this.statement('SELECT MIN(at) AS at FROM sends WHERE limiter_key = ? AND at > ?').get(key, since) as {
          at: number | null;
        }
    );
    return row.at;
  }

  async reserveSend(keys: string[], windows: RateWindow[], at: number): Promise<boolean> {
    const count = this.statement('SELECT COUNT(*) AS n FROM sends WHERE limiter_key = ? AND at > ?');
    const insert = this.statement('INSERT INTO sends (limiter_key, at) VALUES (?, ?)');
    return this.write(() => {
      const full = windows.some(({ windowMs, limit }) =>
        keys.some((key) => (count.get(key, at - windowMs) as { n: number }).n >= limit)
      );
      if (full) {
        return false;
      }
      for (const key of keys) {
        insert.run(key, at);
      }
      return true;
    });
  }

  async readToken(key: string): Promise<StoredToken | undefined> {
    return this.guard(
      () => this.statement('SELECT sealed, until FROM tokens WHERE key = ?').get(key) as StoredToken | undefined
    );
  }

  async writeToken(key: string, token: StoredToken): Promise<void> {
    await this.write(() =>
      this.statement(
        'INSERT INTO tokens (key, sealed, until) VALUES (@key, @sealed, @until) ON CONFLICT (key) DO UPDATE SET sealed = @sealed, until = @until'
      ).run({ key, ...token })
    );
  }

  /** One relay process: the token cache's single flight is lock enough. */
  withTokenLock<T>(_key: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  async getDelivery(id: number): Promise<Delivery | undefined> {
    const row = this.guard(() => this.statement(`${DELIVERY_ROWS} WHERE d.id = ?`).get(id) as DeliveryRow | undefined);
    return row && toDelivery(row);
  }

  async listDeliveries(query: DeliveryQuery): Promise<Delivery[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit };
    if (query.status !== undefined) {
      where.push(STATUS_FILTERS[query.status]);
    }
    const filters: Array<[keyof DeliveryQuery, string]> = [
      ['ruleUid', 'd.rule_uid = @ruleUid'],
      ['serviceUid', 'd.service_uid = @serviceUid'],
      ['destination', 'd.destination = @destination'],
      ['since', 'd.created_at >= @since'],
      ['until', 'd.created_at < @until'],
      ['before', 'd.id < @before'],
    ];
    for (const [field, clause] of filters) {
      if (query[field] !== undefined) {
        where.push(clause);
        params[field] = query[field];
      }
    }
    const sql = `${DELIVERY_ROWS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id DESC LIMIT @limit`;
    const rows = this.guard(() => this.statement(sql).all(params) as DeliveryRow[]);
    return rows.map(toDelivery);
  }

  async listAttempts(deliveryId: number): Promise<Attempt[]> {
    const rows = this.guard(
      () => this.statement('SELECT * FROM attempts WHERE delivery_id = ? ORDER BY id').all(deliveryId) as AttemptRow[]
    );
    return rows.map(toAttempt);
  }

  async lastAttempts(deliveryIds: number[]): Promise<Map<number, Attempt>> {
    const rows = this.guard(
      () =>
        this.statement(
          `SELECT a.* FROM attempts a JOIN (
             SELECT MAX(id) AS id FROM attempts WHERE delivery_id IN (SELECT value FROM json_each(?)) GROUP BY delivery_id
           ) last ON a.id = last.id`
        ).all(JSON.stringify(deliveryIds)) as AttemptRow[]
    );
    return new Map(rows.map((row) => [row.delivery_id, toAttempt(row)]));
  }

  async retryDelivery(id: number, now: number): Promise<Delivery | undefined> {
    await this.write(() => {
      const row = this.statement('SELECT destination FROM deliveries WHERE id = ?').get(id) as
        { destination: string } | undefined;
      if (!row) {
        return;
      }
      this.statement(
        `UPDATE deliveries SET status = 'pending', parts_sent = 0, digest = 0, summarized = 0, not_before = ?, sent_at = NULL, invalid_recipients = NULL WHERE id = ?`
      ).run(now, id);
      this.statement(
        `INSERT INTO destinations (destination, next_due) VALUES (@destination, @now)
           ON CONFLICT (destination) DO UPDATE SET retry_at = 0, failures = 0,
             next_due = CASE WHEN next_due IS NULL OR next_due > @now THEN @now ELSE next_due END`
      ).run({ destination: row.destination, now });
    });
    return this.getDelivery(id);
  }

  async queueStats(): Promise<QueueStats> {
    const row = this.guard(
      () =>
        this.statement(
          `SELECT SUM(status = 'pending') AS pending, SUM(status = 'failed') AS failed,
               MIN(CASE WHEN status = 'pending' THEN created_at END) AS oldest FROM deliveries`
        ).get() as { pending: number | null; failed: number | null; oldest: number | null }
    );
    return { pending: row.pending ?? 0, failed: row.failed ?? 0, oldestPendingAt: row.oldest };
  }

  async prune(before: number, now: number): Promise<number> {
    return this.write(() => {
      const old = `SELECT id FROM deliveries WHERE status != 'pending' AND created_at < @before`;
      this.statement(`DELETE FROM attempts WHERE delivery_id IN (${old})`).run({ before });
      const removed = this.statement(`DELETE FROM deliveries WHERE id IN (${old})`).run({ before }).changes;
      if (removed > 0) {
        this.statement('DELETE FROM groups WHERE id NOT IN (SELECT group_id FROM deliveries)').run();
      }
      this.statement('DELETE FROM sends WHERE at < ?').run(now - SEND_LOG_RETENTION_MS);
      this.statement('DELETE FROM ingests WHERE received_at < ?').run(now - SEND_LOG_RETENTION_MS);
      this.statement('DELETE FROM tokens WHERE until < ?').run(now);
      return removed;
    });
  }

  /**
   * Writes on this connection wait until no ingest commit is under way: the write lock is free
   * then, so the event loop never sleeps in SQLite's busy handler while the ingest thread fsyncs.
   * Each runs in one IMMEDIATE transaction: one that took the lock only at its first write would
   * fail at once, instead of waiting, if another connection committed after its first read. While
   * another connection holds the lock (the delivery thread's, the ingest thread's), it tries again.
   */
  private async write<T>(work: () => T): Promise<T> {
    const transaction = this.db.transaction(work);
    const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
    for (;;) {
      await this.ingestThread?.idle();
      try {
        return transaction.immediate();
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) {
          throw storageError(error);
        }
      }
      await sleep(1);
    }
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw storageError(error);
    }
  }
}

/** SQLite errors other than our own become StorageUnavailable, which ingest answers with 503. */
function storageError(error: unknown): unknown {
  if (error instanceof VersionConflict || !(error instanceof Error) || !('code' in error)) {
    return error;
  }
  return new StorageUnavailable(`storage error: ${error.message}`);
}
