import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type {
  Attempt,
  AttemptRecord,
  Delivery,
  DeliveryReason,
  DeliveryProgress,
  DeliveryQuery,
  DueDestination,
  NewDelivery,
  ObjectChange,
  ObjectKind,
  QueueStats,
  Storage,
  StoredObject,
} from './types';
import { StorageUnavailable, VersionConflict } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  kind TEXT NOT NULL,
  uid TEXT NOT NULL,
  name TEXT NOT NULL,
  sealed TEXT NOT NULL,
  provenance TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (kind, uid)
);
CREATE TABLE IF NOT EXISTS ingests (
  dedup_key TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_uid TEXT NOT NULL,
  service_uid TEXT NOT NULL,
  destination TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  group_json TEXT NOT NULL,
  is_test INTEGER NOT NULL,
  not_before INTEGER NOT NULL,
  status TEXT NOT NULL,
  parts_sent INTEGER NOT NULL DEFAULT 0,
  digest INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  last_errcode INTEGER,
  last_error TEXT,
  reason TEXT,
  invalid_recipients TEXT,
  summarized INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deliveries_queue ON deliveries (destination, status, id);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, id);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (status, destination, not_before);
CREATE TABLE IF NOT EXISTS destinations (
  destination TEXT PRIMARY KEY,
  retry_at INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  claimed_by TEXT,
  claimed_until INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id INTEGER NOT NULL,
  destination TEXT NOT NULL,
  at INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  errcode INTEGER,
  errmsg TEXT NOT NULL,
  http_status INTEGER,
  duration_ms INTEGER NOT NULL,
  message_json TEXT NOT NULL,
  invalid_recipients TEXT
);
CREATE INDEX IF NOT EXISTS attempts_delivery ON attempts (delivery_id, id);
CREATE TABLE IF NOT EXISTS sends (
  limiter_key TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sends_key_at ON sends (limiter_key, at);
`;

/** Columns added after the first release: data dirs created before them get them at start. */
const ADDED_COLUMNS: Array<[table: string, column: string, type: string]> = [
  ['deliveries', 'reason', 'TEXT'],
  ['deliveries', 'invalid_recipients', 'TEXT'],
  ['attempts', 'invalid_recipients', 'TEXT'],
  ['deliveries', 'summarized', 'INTEGER NOT NULL DEFAULT 0'],
];

/** How long rate-limit and dedup records are kept: the longest window they serve (1 h). */
const SEND_LOG_RETENTION_MS = 3_600_000 + 60_000;

interface DeliveryRow {
  id: number;
  rule_uid: string;
  service_uid: string;
  destination: string;
  kind: 'robot' | 'app';
  label: string;
  group_json: string;
  is_test: number;
  not_before: number;
  status: Delivery['status'];
  parts_sent: number;
  digest: number;
  attempts: number;
  created_at: number;
  sent_at: number | null;
  last_errcode: number | null;
  last_error: string | null;
  reason: DeliveryReason | null;
  invalid_recipients: string | null;
  summarized: number;
}

function recipientList(json: string | null): string[] {
  return json ? (JSON.parse(json) as string[]) : [];
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    ruleUid: row.rule_uid,
    serviceUid: row.service_uid,
    destination: row.destination,
    kind: row.kind,
    label: row.label,
    group: JSON.parse(row.group_json),
    isTest: row.is_test === 1,
    notBefore: row.not_before,
    status: row.status,
    partsSent: row.parts_sent,
    digest: row.digest === 1,
    attempts: row.attempts,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    lastErrcode: row.last_errcode,
    lastError: row.last_error,
    reason: row.reason,
    invalidRecipients: recipientList(row.invalid_recipients),
    summarized: row.summarized === 1,
  };
}

interface ObjectRow {
  uid: string;
  name: string;
  sealed: string;
  provenance: StoredObject['provenance'];
  version: number;
  created_at: number;
  updated_at: number;
}

function toObject(row: ObjectRow): StoredObject {
  return {
    uid: row.uid,
    name: row.name,
    sealed: row.sealed,
    provenance: row.provenance,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** SQLite in WAL mode: a committed transaction survives kill -9. */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    fs.chmodSync(file, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.addMissingColumns();
  }

  private addMissingColumns(): void {
    for (const [table, column, type] of ADDED_COLUMNS) {
      const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
      if (!columns.some((existing) => existing.name === column)) {
        this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      }
    }
  }

  private insertDelivery() {
    return this.db.prepare(`
      INSERT INTO deliveries (rule_uid, service_uid, destination, kind, label, group_json, is_test, not_before, status, reason, created_at)
      VALUES (@ruleUid, @serviceUid, @destination, @kind, @label, @group, @isTest, @notBefore, @status, @reason, @now)`);
  }

  /** Inserts deliveries (in the caller's transaction) and returns their ids. */
  private insertDeliveries(
    deliveries: NewDelivery[],
    status: 'pending' | 'skipped',
    reason: DeliveryReason | undefined,
    now: number
  ): number[] {
    const insert = this.insertDelivery();
    return deliveries.map((delivery) => {
      const result = insert.run({
        ...delivery,
        group: JSON.stringify(delivery.group),
        isTest: delivery.isTest ? 1 : 0,
        status,
        reason: reason ?? delivery.reason ?? null,
        now,
      });
      return Number(result.lastInsertRowid);
    });
  }

  async logSkipped(deliveries: NewDelivery[], reason: DeliveryReason, now: number): Promise<number[]> {
    return this.guard(() => this.db.transaction(() => this.insertDeliveries(deliveries, 'skipped', reason, now))());
  }

  async ping(): Promise<void> {
    this.guard(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.close();
    }
  }

  async listObjects(kind: ObjectKind): Promise<StoredObject[]> {
    const rows = this.guard(
      () => this.db.prepare('SELECT * FROM objects WHERE kind = ? ORDER BY uid').all(kind) as ObjectRow[]
    );
    return rows.map(toObject);
  }

  async getObject(kind: ObjectKind, uid: string): Promise<StoredObject | undefined> {
    const row = this.guard(
      () => this.db.prepare('SELECT * FROM objects WHERE kind = ? AND uid = ?').get(kind, uid) as ObjectRow | undefined
    );
    return row && toObject(row);
  }

  async writeObjects(changes: ObjectChange[]): Promise<void> {
    const versionOf = this.db.prepare('SELECT version FROM objects WHERE kind = ? AND uid = ?');
    const upsert = this.db.prepare(`
      INSERT INTO objects (kind, uid, name, sealed, provenance, version, created_at, updated_at)
      VALUES (@kind, @uid, @name, @sealed, @provenance, 1, @now, @now)
      ON CONFLICT (kind, uid) DO UPDATE SET name = @name, sealed = @sealed, provenance = @provenance,
        version = version + 1, updated_at = @now`);
    const remove = this.db.prepare('DELETE FROM objects WHERE kind = ? AND uid = ?');
    this.guard(() =>
      this.db.transaction(() => {
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
      })()
    );
  }

  async enqueue(dedupKey: string, dedupWindowMs: number, deliveries: NewDelivery[], now: number) {
    const seen = this.db.prepare('SELECT received_at FROM ingests WHERE dedup_key = ?');
    const remember = this.db.prepare(
      'INSERT INTO ingests (dedup_key, received_at) VALUES (?, ?) ON CONFLICT (dedup_key) DO UPDATE SET received_at = excluded.received_at'
    );
    const touchDestination = this.db.prepare(
      'INSERT INTO destinations (destination) VALUES (?) ON CONFLICT DO NOTHING'
    );
    return this.guard(() =>
      this.db.transaction(() => {
        const previous = seen.get(dedupKey) as { received_at: number } | undefined;
        if (previous && now - previous.received_at < dedupWindowMs) {
          return { stored: false, ids: this.insertDeliveries(deliveries, 'skipped', 'duplicate', now) };
        }
        remember.run(dedupKey, now);
        for (const delivery of deliveries) {
          touchDestination.run(delivery.destination);
        }
        return { stored: true, ids: this.insertDeliveries(deliveries, 'pending', undefined, now) };
      })()
    );
  }

  async dueDestinations(now: number): Promise<DueDestination[]> {
    const rows = this.guard(
      () =>
        this.db
          .prepare(
            `SELECT d.destination AS destination, MAX(MIN(d.not_before), COALESCE(t.retry_at, 0)) AS dueAt
             FROM deliveries d LEFT JOIN destinations t ON t.destination = d.destination
             WHERE d.status = 'pending' AND COALESCE(t.claimed_until, 0) <= ?
             GROUP BY d.destination`
          )
          .all(now) as DueDestination[]
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
    const claim = this.db.prepare(`
      INSERT INTO destinations (destination, claimed_by, claimed_until) VALUES (@destination, @worker, @until)
      ON CONFLICT (destination) DO UPDATE SET claimed_by = @worker, claimed_until = @until
      WHERE destinations.claimed_until <= @now OR destinations.claimed_by = @worker`);
    const due = `SELECT id FROM deliveries WHERE destination = @destination AND status = 'pending' AND not_before <= @now`;
    const pending = this.db.prepare(
      `SELECT * FROM deliveries WHERE id IN (${due} ORDER BY id LIMIT @limit)
         OR id IN (${due} AND summarized = 0 ORDER BY id LIMIT @limit)
       ORDER BY id`
    );
    return this.guard(() =>
      this.db.transaction(() => {
        const claimed = claim.run({ destination, worker, until: now + leaseMs, now }).changes > 0;
        return claimed ? (pending.all({ destination, now, limit }) as DeliveryRow[]).map(toDelivery) : [];
      })()
    );
  }

  /** One relay process owns a SQLite file, so at its start every claim in it is stale. */
  async recoverClaims(): Promise<void> {
    this.guard(() => this.db.prepare('UPDATE destinations SET claimed_by = NULL, claimed_until = 0').run());
  }

  async releaseDestination(
    destination: string,
    worker: string,
    hold: { retryAt: number | null; failed: boolean }
  ): Promise<void> {
    this.guard(() =>
      this.db
        .prepare(
          `UPDATE destinations SET claimed_by = NULL, claimed_until = 0,
             retry_at = COALESCE(@retryAt, 0),
             failures = CASE WHEN @failed THEN failures + 1 ELSE 0 END
           WHERE destination = @destination AND claimed_by = @worker`
        )
        .run({ destination, worker, retryAt: hold.retryAt, failed: hold.failed ? 1 : 0 })
    );
  }

  async destinationFailures(destination: string): Promise<number> {
    const row = this.guard(
      () =>
        this.db.prepare('SELECT failures FROM destinations WHERE destination = ?').get(destination) as
          { failures: number } | undefined
    );
    return row?.failures ?? 0;
  }

  async recordAttempt(attempt: AttemptRecord, progress: DeliveryProgress[]): Promise<void> {
    const insert = this.db.prepare(`
      INSERT INTO attempts (delivery_id, destination, at, ok, errcode, errmsg, http_status, duration_ms, message_json, invalid_recipients)
      VALUES (@deliveryId, @destination, @at, @ok, @errcode, @errmsg, @httpStatus, @durationMs, @message, @invalid)`);
    const advance = this.db.prepare(`
      UPDATE deliveries SET parts_sent = @partsSent, digest = @digest, attempts = attempts + 1,
        summarized = CASE WHEN @summarized THEN 1 ELSE summarized END,
        status = CASE WHEN @done THEN 'sent' ELSE status END,
        sent_at = CASE WHEN @done THEN @at ELSE sent_at END,
        last_errcode = @errcode, last_error = @error,
        invalid_recipients = COALESCE(@invalid, invalid_recipients)
      WHERE id = @id`);
    const message = JSON.stringify(attempt.message);
    const invalid = attempt.invalidRecipients?.length ? JSON.stringify(attempt.invalidRecipients) : null;
    this.guard(() =>
      this.db.transaction(() => {
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
      })()
    );
  }

  async failDeliveries(ids: number[], errcode: number | null, error: string): Promise<void> {
    const fail = this.db.prepare(
      `UPDATE deliveries SET status = 'failed', last_errcode = ?, last_error = ?, sent_at = NULL WHERE id = ? AND status = 'pending'`
    );
    this.guard(() =>
      this.db.transaction(() => {
        for (const id of ids) {
          fail.run(errcode, error, id);
        }
      })()
    );
  }

  async countSends(keys: string[], since: number): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const count = this.db.prepare('SELECT COUNT(*) AS n FROM sends WHERE limiter_key = ? AND at > ?');
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
        this.db.prepare('SELECT MIN(at) AS at FROM sends WHERE limiter_key = ? AND at > ?').get(key, since) as {
          at: number | null;
        }
    );
    return row.at;
  }

  async logSends(keys: string[], at: number): Promise<void> {
    const insert = this.db.prepare('INSERT INTO sends (limiter_key, at) VALUES (?, ?)');
    this.guard(() =>
      this.db.transaction(() => {
        for (const key of keys) {
          insert.run(key, at);
        }
      })()
    );
  }

  async getDelivery(id: number): Promise<Delivery | undefined> {
    const row = this.guard(
      () => this.db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as DeliveryRow | undefined
    );
    return row && toDelivery(row);
  }

  async listDeliveries(query: DeliveryQuery): Promise<Delivery[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit };
    const filters: Array<[keyof DeliveryQuery, string]> = [
      ['status', 'status = @status'],
      ['ruleUid', 'rule_uid = @ruleUid'],
      ['serviceUid', 'service_uid = @serviceUid'],
      ['destination', 'destination = @destination'],
      ['since', 'created_at >= @since'],
      ['until', 'created_at < @until'],
      ['before', 'id < @before'],
    ];
    for (const [field, clause] of filters) {
      if (query[field] !== undefined) {
        where.push(clause);
        params[field] = query[field];
      }
    }
    const sql = `SELECT * FROM deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    const rows = this.guard(() => this.db.prepare(sql).all(params) as DeliveryRow[]);
    return rows.map(toDelivery);
  }

  async listAttempts(deliveryId: number): Promise<Attempt[]> {
    const rows = this.guard(
      () =>
        this.db.prepare('SELECT * FROM attempts WHERE delivery_id = ? ORDER BY id').all(deliveryId) as Array<{
          id: number;
          delivery_id: number;
          destination: string;
          at: number;
          ok: number;
          errcode: number | null;
          errmsg: string;
          http_status: number | null;
          duration_ms: number;
          message_json: string;
          invalid_recipients: string | null;
        }>
    );
    return rows.map((row) => ({
      id: row.id,
      deliveryId: row.delivery_id,
      destination: row.destination,
      at: row.at,
      ok: row.ok === 1,
      errcode: row.errcode,
      errmsg: row.errmsg,
      httpStatus: row.http_status,
      durationMs: row.duration_ms,
      message: JSON.parse(row.message_json),
      invalidRecipients: recipientList(row.invalid_recipients),
    }));
  }

  async retryDelivery(id: number, now: number): Promise<Delivery | undefined> {
    this.guard(() =>
      this.db.transaction(() => {
        const row = this.db.prepare('SELECT destination FROM deliveries WHERE id = ?').get(id) as
          { destination: string } | undefined;
        if (!row) {
          return;
        }
        this.db
          .prepare(
            `UPDATE deliveries SET status = 'pending', parts_sent = 0, digest = 0, summarized = 0, not_before = ?, sent_at = NULL, invalid_recipients = NULL WHERE id = ?`
          )
          .run(now, id);
        this.db
          .prepare('UPDATE destinations SET retry_at = 0, failures = 0 WHERE destination = ?')
          .run(row.destination);
      })()
    );
    return this.getDelivery(id);
  }

  async queueStats(): Promise<QueueStats> {
    const row = this.guard(
      () =>
        this.db
          .prepare(
            `SELECT SUM(status = 'pending') AS pending, SUM(status = 'failed') AS failed,
               MIN(CASE WHEN status = 'pending' THEN created_at END) AS oldest FROM deliveries`
          )
          .get() as { pending: number | null; failed: number | null; oldest: number | null }
    );
    return { pending: row.pending ?? 0, failed: row.failed ?? 0, oldestPendingAt: row.oldest };
  }

  async prune(before: number, now: number): Promise<number> {
    return this.guard(() =>
      this.db.transaction(() => {
        const old = `SELECT id FROM deliveries WHERE status != 'pending' AND created_at < @before`;
        this.db.prepare(`DELETE FROM attempts WHERE delivery_id IN (${old})`).run({ before });
        const removed = this.db.prepare(`DELETE FROM deliveries WHERE id IN (${old})`).run({ before }).changes;
        this.db.prepare('DELETE FROM sends WHERE at < ?').run(now - SEND_LOG_RETENTION_MS);
        this.db.prepare('DELETE FROM ingests WHERE received_at < ?').run(now - SEND_LOG_RETENTION_MS);
        return removed;
      })()
    );
  }

  /** SQLite errors other than our own become StorageUnavailable, which ingest answers with 503. */
  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof VersionConflict || !(error instanceof Error) || !('code' in error)) {
        throw error;
      }
      throw new StorageUnavailable(`storage error: ${(error as Error).message}`);
    }
  }
}
