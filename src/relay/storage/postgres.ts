/**
 * PostgreSQL, shared by any number of relay replicas. What decides who sends what is taken in the
 * database, never in a replica's memory: a queue is claimed with FOR UPDATE SKIP LOCKED and a
 * lease, a send is reserved against the rate windows under an advisory lock per limiter key, dedup
 * is an upsert on the dedup key, and an object change is announced with NOTIFY so that the other
 * replicas reload their config.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import type { AlertGroup } from '../../core/alert';
import { LOCKS, KEYED_LOCKS } from './postgres-locks';
import { migratePostgres, requireCurrentPostgresSchema } from './postgres-migrate';
import {
  DELIVERY_ROWS,
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
import type {
  Attempt,
  AttemptRecord,
  Delivery,
  DeliveryProgress,
  DeliveryQuery,
  DueDestination,
  IngestResult,
  IngestWrite,
  NewDelivery,
  ObjectChange,
  ObjectKind,
  QueueStats,
  RateWindow,
  Storage,
  StoredObject,
  StoredToken,
} from './types';
import { StorageUnavailable, VersionConflict } from './types';

const OBJECTS_CHANNEL = 'wecom_relay_objects';
/** A webhook waits no longer than this for a connection: then it gets a 503, and is sent again. */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * A statement the server does not answer in this time fails (a dead link sends no reset): a
 * webhook then gets its 503 within seconds, while Grafana still waits for it.
 */
const QUERY_TIMEOUT_MS = 5_000;
/** Connections per relay process: the relay's own pool, and a smaller one for its delivery thread. */
const POOL_SIZE = 6;
const LISTEN_RETRY_MS = 1_000;

/** BIGINT columns (times in ms, ids) as numbers: both stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * As psql does: without a user in the URL or PGUSER, the operating system's user name (node-postgres
 * would only look at $USER, which services often run without).
 */
export function withDefaultUser(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || process.env.PGUSER) {
    return url;
  }
  parsed.username = os.userInfo().username;
  return parsed.toString();
}

/** A transaction's client: its queries run in order on one connection. */
type Tx = pg.PoolClient;

interface Prepared {
  name: string;
  text: string;
}

/**
 * An ingest batch in one statement, one round trip and its own transaction: the dedup upsert, the
 * groups, the deliveries (pending when their write's key came back fresh) and their queues.
 *
 * A group seen within its window is a duplicate: its row is left as it is and its key does not
 * come back. Keys (distinct in a batch) and destinations are locked in order, so that two commits,
 * of one replica or two, never wait on each other in a cycle. Ids are taken ascending in the
 * batch's order, which is the order of the queue.
 */
const INGEST: Prepared = {
  name: 'wecom_relay_ingest',
  text: `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(dedup_key, received_at, cutoff)
         ),
         fresh AS (
           INSERT INTO ingests (dedup_key, received_at) SELECT dedup_key, received_at FROM input ORDER BY dedup_key
           ON CONFLICT (dedup_key) DO UPDATE SET received_at = EXCLUDED.received_at
           WHERE ingests.received_at <= (SELECT cutoff FROM input WHERE input.dedup_key = EXCLUDED.dedup_key)
           RETURNING dedup_key
         ),
         group_ids AS (
           SELECT array_agg(id ORDER BY id) AS ids
           FROM (SELECT nextval(pg_get_serial_sequence('groups', 'id')) AS id FROM json_array_elements($4::json)) AS taken
         ),
         new_groups AS (
           SELECT (SELECT ids FROM group_ids)[ord] AS id, json::text AS json
             FROM json_array_elements($4::json) WITH ORDINALITY AS t(json, ord)
         ),
         stored_groups AS (INSERT INTO groups (id, json) SELECT id, json FROM new_groups),
         delivery_ids AS (
           SELECT array_agg(id ORDER BY id) AS ids
           FROM (SELECT nextval(pg_get_serial_sequence('deliveries', 'id')) AS id FROM unnest($5::int[])) AS taken
         ),
         rows AS (
           SELECT (SELECT ids FROM delivery_ids)[ord] AS id, (SELECT ids FROM group_ids)[group_ord] AS group_id,
                  rule_uid, service_uid, destination, kind, label, is_test, not_before, created_at, ord,
                  CASE WHEN dedup_key IN (SELECT dedup_key FROM fresh) THEN 'pending' ELSE 'skipped' END AS status,
                  CASE WHEN dedup_key IN (SELECT dedup_key FROM fresh) THEN delivery_reason
                       WHEN dedup_key IS NULL THEN COALESCE(skip_reason, delivery_reason)
                       ELSE 'duplicate' END AS reason
           FROM unnest($5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                  $12::smallint[], $13::bigint[], $14::text[], $15::text[], $16::bigint[]) WITH ORDINALITY
             AS t(group_ord, dedup_key, rule_uid, service_uid, destination, kind, label, is_test, not_before,
                  skip_reason, delivery_reason, created_at, ord)
         ),
         stored_rows AS (
           INSERT INTO deliveries (id, group_id, rule_uid, service_uid, destination, kind, label, is_test, not_before,
             status, reason, created_at)
           SELECT id, group_id, rule_uid, service_uid, destination, kind, label, is_test, not_before, status, reason,
             created_at FROM rows
         ),
         touched AS (
           INSERT INTO destinations (destination, next_due)
             SELECT destination, MIN(not_before) FROM rows WHERE status = 'pending'
             GROUP BY destination ORDER BY destination
           ON CONFLICT (destination) DO UPDATE SET next_due = LEAST(destinations.next_due, EXCLUDED.next_due)
         )
         SELECT (SELECT array_agg(id ORDER BY ord) FROM rows) AS ids, (SELECT array_agg(dedup_key) FROM fresh) AS fresh`,
};

/** Stores writes whose dedup keys are distinct, in one statement. */
async function ingestBatch(db: pg.Pool, writes: IngestWrite[]): Promise<IngestResult[]> {
  const enqueued = writes.flatMap((write) => (write.action === 'enqueue' ? [write] : []));
  const groups: AlertGroup[] = [];
  const rows: Array<{ delivery: NewDelivery; group: number; write: IngestWrite }> = [];
  const firstRow = writes.map((write) => {
    const first = rows.length;
    let group: AlertGroup | undefined;
    for (const delivery of write.deliveries) {
      if (delivery.group !== group) {
        group = delivery.group;
        groups.push(group);
      }
      rows.push({ delivery, group: groups.length, write });
    }
    return first;
  });
  const keyOf = (write: IngestWrite) => (write.action === 'enqueue' ? write.dedupKey : null);
  const {
    rows: [result],
  } = await db.query<{ ids: string[] | null; fresh: string[] | null }>({
    ...INGEST,
    values: [
      enqueued.map((write) => write.dedupKey),
      enqueued.map((write) => write.now),
      enqueued.map((write) => write.now - write.dedupWindowMs),
      // One JSON array: each group's text in it is what JSON.stringify gives the group alone, and
      // PostgreSQL hands the elements on as they are, without the escaping of a text[] literal.
      JSON.stringify(groups),
      rows.map((row) => row.group),
      rows.map((row) => keyOf(row.write)),
      rows.map((row) => row.delivery.ruleUid),
      rows.map((row) => row.delivery.serviceUid),
      rows.map((row) => row.delivery.destination),
      rows.map((row) => row.delivery.kind),
      rows.map((row) => row.delivery.label),
      rows.map((row) => (row.delivery.isTest ? 1 : 0)),
      rows.map((row) => row.delivery.notBefore),
      rows.map((row) => (row.write.action === 'skip' ? row.write.reason : null)),
      rows.map((row) => row.delivery.reason ?? null),
      rows.map((row) => row.write.now),
    ],
  });
  const ids = (result.ids ?? []).map(Number);
  const fresh = new Set(result.fresh ?? []);
  return writes.map((write, index) => ({
    stored: write.action === 'enqueue' && fresh.has(write.dedupKey),
    ids: ids.slice(firstRow[index], firstRow[index] + write.deliveries.length),
  }));
}

export class PostgresStorage implements Storage {
  readonly kind = 'postgres' as const;
  /**
   * Batches overlap: while one waits for its commit's WAL flush, the next is written (PostgreSQL
   * flushes the commits that wait together).
   */
  readonly ingestCommits = 4;
  private readonly groups = new GroupCache();
  private readonly objectListeners: Array<() => void> = [];
  private listener: pg.Client | undefined;
  private listenRetry: NodeJS.Timeout | undefined;
  /** The listening connection is lost, and that was logged: an outage is logged once, not every retry. */
  private listenLost = false;
  private readonly instance = crypto.randomBytes(6).toString('hex');
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly schema: string,
    private readonly onBackgroundError: (error: Error) => void
  ) {}

  /**
   * Connects, and brings the schema up to date (`migrate: false` for a command beside running
   * replicas: the schema must already be this release's).
   */
  static async open(
    url: string,
    options: { onBackgroundError?: (error: Error) => void; migrate?: boolean; connections?: number } = {}
  ): Promise<PostgresStorage> {
    const onBackgroundError = options.onBackgroundError ?? (() => {});
    url = withDefaultUser(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.connections ?? POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      keepAlive: true,
      types,
    });
    // An idle connection the server closed: the pool drops it and opens another when needed.
    pool.on('error', onBackgroundError);
    try {
      await (options.migrate === false ? requireCurrentPostgresSchema : migratePostgres)(pool);
      const { rows } = await pool.query<{ schema: string }>('SELECT current_schema() AS schema');
      return new PostgresStorage(pool, url, rows[0].schema, onBackgroundError);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.listenRetry);
    await this.listener?.end().catch(() => {});
    await this.pool.end();
  }

  async listObjects(kind: ObjectKind): Promise<StoredObject[]> {
    const rows = await this.query<ObjectRow>('SELECT * FROM objects WHERE kind = $1 ORDER BY uid', [kind]);
    return rows.map(toObject);
  }

  async getObject(kind: ObjectKind, uid: string): Promise<StoredObject | undefined> {
    const [row] = await this.query<ObjectRow>('SELECT * FROM objects WHERE kind = $1 AND uid = $2', [kind, uid]);
    return row && toObject(row);
  }

  /** Object writes take turns across replicas, so that a version checked is the version replaced. */
  async writeObjects(changes: ObjectChange[]): Promise<void> {
    await this.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', LOCKS.objects);
      for (const change of changes) {
        const uid = change.op === 'put' ? change.object.uid : change.uid;
        if (change.expectVersion !== undefined) {
          const { rows } = await tx.query<{ version: number }>(
            'SELECT version FROM objects WHERE kind = $1 AND uid = $2',
            [change.kind, uid]
          );
          if ((rows[0]?.version ?? 0) !== change.expectVersion) {
            throw new VersionConflict(change.kind, uid, rows[0]?.version ?? null);
          }
        }
        if (change.op === 'put') {
          const { name, sealed, provenance } = change.object;
          await tx.query(
            `INSERT INTO objects (kind, uid, name, sealed, provenance, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 1, $6, $6)
             ON CONFLICT (kind, uid) DO UPDATE SET name = EXCLUDED.name, sealed = EXCLUDED.sealed,
               provenance = EXCLUDED.provenance, version = objects.version + 1, updated_at = EXCLUDED.updated_at`,
            [change.kind, uid, name, sealed, provenance, change.now]
          );
        } else {
          await tx.query('DELETE FROM objects WHERE kind = $1 AND uid = $2', [change.kind, uid]);
        }
      }
      // Delivered to the listening relays when this commits. The payload names the schema (tests
      // share a database) and this relay, which reloads after its own writes already.
      await tx.query("SELECT pg_notify($1, current_schema() || ' ' || $2)", [OBJECTS_CHANNEL, this.instance]);
    });
  }

  onObjectsChanged(listener: () => void): void {
    this.objectListeners.push(listener);
    if (!this.listener && !this.listenRetry) {
      void this.listen(false);
    }
  }

  /**
   * Keeps one connection listening for object changes. After it was lost, changes may have been
   * missed: the listeners are called once it is back.
   */
  private async listen(reconnected: boolean): Promise<void> {
    this.listenRetry = undefined;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    const retry = (error: Error) => {
      if (this.listener === client) {
        this.listener = undefined;
      }
      client.end().catch(() => {});
      if (!this.closed && !this.listenRetry) {
        if (!this.listenLost) {
          this.listenLost = true;
          this.onBackgroundError(error);
        }
        this.listenRetry = setTimeout(() => void this.listen(true), LISTEN_RETRY_MS);
        this.listenRetry.unref();
      }
    };
    client.on('error', retry);
    client.on('end', () => retry(new Error('the PostgreSQL connection for config changes closed')));
    client.on('notification', (message) => {
      const [schema, writer] = (message.payload ?? '').split(' ');
      if (schema === this.schema && writer !== this.instance) {
        this.objectListeners.forEach((listener) => listener());
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OBJECTS_CHANNEL}`);
    } catch (error) {
      retry(error as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.listener = client;
    this.listenLost = false;
    if (reconnected) {
      this.objectListeners.forEach((listener) => listener());
    }
  }

  /** One statement, so one transaction, for the whole batch; results keep the order of `writes`. */
  async ingest(writes: IngestWrite[]): Promise<IngestResult[]> {
    return this.guard(() => ingestBatch(this.pool, writes));
  }

  async dueDestinations(now: number): Promise<DueDestination[]> {
    return this.query<DueDestination>(
      `SELECT destination, GREATEST(next_due, retry_at) AS "dueAt" FROM destinations
         WHERE next_due IS NOT NULL AND claimed_until <= $1`,
      [now]
    );
  }

  /** A queue another replica is claiming at this moment is skipped, not waited for. */
  async claimDestination(
    destination: string,
    worker: string,
    leaseMs: number,
    limit: number,
    now: number
  ): Promise<Delivery[]> {
    const claimed = await this.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE destinations SET claimed_by = $2, claimed_until = $3
           WHERE destination = (
             SELECT destination FROM destinations
               WHERE destination = $1 AND (claimed_until <= $4 OR claimed_by = $2) FOR UPDATE SKIP LOCKED)`,
        [destination, worker, now + leaseMs, now]
      );
      if (!rowCount) {
        return [];
      }
      const due = `SELECT id FROM deliveries WHERE destination = $1 AND status = 'pending' AND not_before <= $2`;
      const { rows } = await tx.query<DeliveryFields>(
        `SELECT d.* FROM deliveries d WHERE d.id IN (${due} ORDER BY id LIMIT $3)
           OR d.id IN (${due} AND summarized = 0 ORDER BY id LIMIT $3)
         ORDER BY d.id`,
        [destination, now, limit]
      );
      if (rows.length === 0) {
        await tx.query(
          `UPDATE destinations SET claimed_by = NULL, claimed_until = 0, next_due = ${nextDue('$1', '$2')} WHERE destination = $1`,
          [destination, now]
        );
      }
      return rows;
    });
    if (claimed.length === 0) {
      return [];
    }
    const groups = await this.claimedGroups(claimed.map((row) => row.group_id));
    return claimed.map((row) => withGroup(row, groups.get(row.group_id)!));
  }

  private async claimedGroups(ids: number[]): Promise<Map<number, AlertGroup>> {
    const missing = this.groups.missing(ids);
    const rows =
      missing.length === 0
        ? []
        : await this.query<{ id: number; json: string }>('SELECT id, json FROM groups WHERE id = ANY($1)', [missing]);
    return this.groups.take(ids, rows);
  }

  async renewClaim(destination: string, worker: string, leaseMs: number, now: number): Promise<boolean> {
    const { rowCount } = await this.run(
      'UPDATE destinations SET claimed_until = $3 WHERE destination = $1 AND claimed_by = $2',
      [destination, worker, now + leaseMs]
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * The claims of other replicas are theirs until their lease runs out. The queue keeps its due
   * time: a claim does not change it while there is work.
   */
  async recoverClaims(worker: string): Promise<void> {
    await this.run('UPDATE destinations SET claimed_by = NULL, claimed_until = 0 WHERE claimed_by = $1', [worker]);
  }

  async releaseDestination(
    destination: string,
    worker: string,
    hold: { retryAt: number | null; failures: number },
    now: number
  ): Promise<void> {
    // The row is locked first and the due time read in a statement after: in one statement, the
    // read would not see the deliveries of an ingest that committed while it waited for the lock,
    // and the queue would be left with nothing due while they wait.
    await this.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM destinations WHERE destination = $1 AND claimed_by = $2 FOR UPDATE', [
        destination,
        worker,
      ]);
      await tx.query(
        `UPDATE destinations SET claimed_by = NULL, claimed_until = 0, next_due = ${nextDue('$1', '$3')},
             retry_at = COALESCE($4::bigint, 0),
             failures = $5
           WHERE destination = $1 AND claimed_by = $2`,
        // Backoff jitter makes fractional times; the column holds whole ms.
        [destination, worker, now, hold.retryAt === null ? null : Math.ceil(hold.retryAt), hold.failures]
      );
    });
  }

  async destinationFailures(destination: string): Promise<number> {
    const [row] = await this.query<{ failures: number }>('SELECT failures FROM destinations WHERE destination = $1', [
      destination,
    ]);
    return row?.failures ?? 0;
  }

  async recordAttempt(attempt: AttemptRecord, progress: DeliveryProgress[]): Promise<void> {
    const errmsg = withoutNul(attempt.errmsg);
    const message = JSON.stringify(attempt.message);
    const invalid = attempt.invalidRecipients?.length ? JSON.stringify(attempt.invalidRecipients) : null;
    await this.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO attempts (delivery_id, destination, at, ok, errcode, errmsg, http_status, duration_ms, message_json, invalid_recipients)
         SELECT id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM unnest($1::bigint[]) AS id`,
        [
          attempt.deliveryIds,
          attempt.destination,
          attempt.at,
          attempt.ok ? 1 : 0,
          attempt.errcode,
          errmsg,
          attempt.httpStatus,
          Math.round(attempt.durationMs),
          message,
          invalid,
        ]
      );
      if (progress.length === 0) {
        return;
      }
      await tx.query(
        `UPDATE deliveries d SET parts_sent = p.parts_sent, digest = p.digest, attempts = d.attempts + 1,
           summarized = CASE WHEN p.summarized THEN 1 ELSE d.summarized END,
           status = CASE WHEN p.done THEN 'sent' ELSE d.status END,
           sent_at = CASE WHEN p.done THEN $6 ELSE d.sent_at END,
           last_errcode = $7, last_error = $8,
           invalid_recipients = COALESCE($9, d.invalid_recipients)
         FROM unnest($1::bigint[], $2::int[], $3::smallint[], $4::bool[], $5::bool[]) AS p(id, parts_sent, digest, done, summarized)
         WHERE d.id = p.id`,
        [
          progress.map((step) => step.id),
          progress.map((step) => step.partsSent),
          progress.map((step) => (step.digest ? 1 : 0)),
          progress.map((step) => step.done),
          progress.map((step) => step.summarized ?? false),
          attempt.at,
          attempt.ok ? null : attempt.errcode,
          attempt.ok ? null : errmsg,
          invalid,
        ]
      );
    });
  }

  async failDeliveries(ids: number[], errcode: number | null, error: string): Promise<void> {
    await this.run(
      `UPDATE deliveries SET status = 'failed', last_errcode = $2, last_error = $3, sent_at = NULL
         WHERE id = ANY($1) AND status = 'pending'`,
      [ids, errcode, withoutNul(error)]
    );
  }

  async failDueDeliveries(destination: string, errcode: number | null, error: string, now: number): Promise<number[]> {
    const rows = await this.query<{ id: string }>(
      `UPDATE deliveries SET status = 'failed', last_errcode = $2, last_error = $3, sent_at = NULL
         WHERE destination = $1 AND status = 'pending' AND not_before <= $4 RETURNING id`,
      [destination, errcode, withoutNul(error), now]
    );
    return rows.map((row) => Number(row.id));
  }

  async countSends(keys: string[], since: number): Promise<Map<string, number>> {
    const rows = await this.query<{ key: string; n: number }>(
      'SELECT limiter_key AS key, COUNT(*) AS n FROM sends WHERE limiter_key = ANY($1) AND at > $2 GROUP BY limiter_key',
      [keys, since]
    );
    return new Map(rows.map((row) => [row.key, row.n]));
  }

  async oldestSend(key: string, since: number): Promise<number | null> {
    const [row] = await this.query<{ at: number | null }>(
      'SELECT MIN(at) AS at FROM sends WHERE limiter_key = $1 AND at > $2',
      [key, since]
    );
    return row.at;
  }

  /** Under an advisory lock per key, taken in key order, so that replicas count one after another. */
  async reserveSend(keys: string[], windows: RateWindow[], at: number): Promise<boolean> {
    return this.transaction(async (tx) => {
      await tx.query(
        'SELECT pg_advisory_xact_lock($2, hashtext(key)) FROM (SELECT DISTINCT unnest($1::text[]) AS key ORDER BY key) keys',
        [keys, KEYED_LOCKS.sends]
      );
      for (const { windowMs, limit } of windows) {
        const { rows } = await tx.query<{ n: number }>(
          'SELECT COUNT(*) AS n FROM sends WHERE limiter_key = ANY($1) AND at > $2 GROUP BY limiter_key ORDER BY n DESC LIMIT 1',
          [keys, at - windowMs]
        );
        if ((rows[0]?.n ?? 0) >= limit) {
          return false;
        }
      }
      await tx.query('INSERT INTO sends (limiter_key, at) SELECT unnest($1::text[]), $2', [keys, at]);
      return true;
    });
  }

  async readToken(key: string): Promise<StoredToken | undefined> {
    const [row] = await this.query<StoredToken>('SELECT sealed, until FROM tokens WHERE key = $1', [key]);
    return row;
  }

  async writeToken(key: string, token: StoredToken): Promise<void> {
    await this.run(
      `INSERT INTO tokens (key, sealed, until) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, until = EXCLUDED.until`,
      [key, token.sealed, token.until]
    );
  }

  /** A session advisory lock on a connection of its own, held while `work` runs. */
  async withTokenLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken = false;
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [KEYED_LOCKS.tokens, key]);
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [KEYED_LOCKS.tokens, key]);
      }
    } catch (error) {
      broken = !(error instanceof VersionConflict);
      throw this.unavailable(error);
    } finally {
      // A connection that failed is closed rather than reused: it may still hold the lock.
      client.release(broken);
    }
  }

  async getDelivery(id: number): Promise<Delivery | undefined> {
    const [row] = await this.query<DeliveryRow>(`${DELIVERY_ROWS} WHERE d.id = $1`, [id]);
    return row && toDelivery(row);
  }

  async listDeliveries(query: DeliveryQuery): Promise<Delivery[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status !== undefined) {
      where.push(STATUS_FILTERS[query.status]);
    }
    const filters: Array<[keyof DeliveryQuery, string]> = [
      ['ruleUid', 'd.rule_uid'],
      ['serviceUid', 'd.service_uid'],
      ['destination', 'd.destination'],
    ];
    for (const [field, column] of filters) {
      if (query[field] !== undefined) {
        params.push(query[field]);
        where.push(`${column} = $${params.length}`);
      }
    }
    const ranges: Array<[keyof DeliveryQuery, string]> = [
      ['since', 'd.created_at >='],
      ['until', 'd.created_at <'],
      ['before', 'd.id <'],
    ];
    for (const [field, comparison] of ranges) {
      if (query[field] !== undefined) {
        params.push(query[field]);
        where.push(`${comparison} $${params.length}`);
      }
    }
    params.push(query.limit);
    const rows = await this.query<DeliveryRow>(
      `${DELIVERY_ROWS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id DESC LIMIT $${params.length}`,
      params
    );
    return rows.map(toDelivery);
  }

  async listAttempts(deliveryId: number): Promise<Attempt[]> {
    const rows = await this.query<AttemptRow>('SELECT * FROM attempts WHERE delivery_id = $1 ORDER BY id', [
      deliveryId,
    ]);
    return rows.map(toAttempt);
  }

  async lastAttempts(deliveryIds: number[]): Promise<Map<number, Attempt>> {
    const rows = await this.query<AttemptRow>(
      'SELECT DISTINCT ON (delivery_id) * FROM attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, id DESC',
      [deliveryIds]
    );
    return new Map(rows.map((row) => [row.delivery_id, toAttempt(row)]));
  }

  async retryDelivery(id: number, now: number): Promise<Delivery | undefined> {
    await this.transaction(async (tx) => {
      const { rows } = await tx.query<{ destination: string }>(
        `UPDATE deliveries SET status = 'pending', parts_sent = 0, digest = 0, summarized = 0, not_before = $2,
           sent_at = NULL, invalid_recipients = NULL WHERE id = $1 RETURNING destination`,
        [id, now]
      );
      if (rows.length === 0) {
        return;
      }
      await tx.query(
        `INSERT INTO destinations (destination, next_due) VALUES ($1, $2)
           ON CONFLICT (destination) DO UPDATE SET retry_at = 0, failures = 0,
             next_due = LEAST(destinations.next_due, EXCLUDED.next_due)`,
        [rows[0].destination, now]
      );
    });
    return this.getDelivery(id);
  }

  async queueStats(): Promise<QueueStats> {
    const [row] = await this.query<{ pending: number; failed: number; oldest: number | null }>(
      `SELECT (SELECT COUNT(*) FROM deliveries WHERE status = 'pending') AS pending,
              (SELECT COUNT(*) FROM deliveries WHERE status = 'failed') AS failed,
              (SELECT MIN(created_at) FROM deliveries WHERE status = 'pending') AS oldest`
    );
    return { pending: row.pending, failed: row.failed, oldestPendingAt: row.oldest };
  }

  /** One replica prunes at a time; the others find the lock taken and leave it to that one. */
  async prune(before: number, now: number): Promise<number> {
    return this.transaction(async (tx) => {
      const { rows } = await tx.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1, $2) AS locked',
        LOCKS.prune
      );
      if (!rows[0].locked) {
        return 0;
      }
      const old = `SELECT id FROM deliveries WHERE status != 'pending' AND created_at < $1`;
      await tx.query(`DELETE FROM attempts WHERE delivery_id IN (${old})`, [before]);
      const removed = (await tx.query(`DELETE FROM deliveries WHERE id IN (${old})`, [before])).rowCount ?? 0;
      if (removed > 0) {
        await tx.query('DELETE FROM groups g WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.group_id = g.id)');
      }
      await tx.query('DELETE FROM sends WHERE at < $1', [now - SEND_LOG_RETENTION_MS]);
      await tx.query('DELETE FROM ingests WHERE received_at < $1', [now - SEND_LOG_RETENTION_MS]);
      await tx.query('DELETE FROM tokens WHERE until < $1', [now]);
      return removed;
    });
  }

  private async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    return (await this.run<R>(text, values)).rows;
  }

  private run<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.guard(() => this.pool.query<R>(text, values));
  }

  private connect(): Promise<pg.PoolClient> {
    return this.guard(() => this.pool.connect());
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** Runs `work` in one transaction: all of it commits, or, when it throws, none of it. */
  private async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // The server answered (or the error is ours): the connection works and rolls back. Else it
      // is closed, which rolls back too, without waiting on a link that may be dead.
      const answered = error instanceof VersionConflict || error instanceof pg.DatabaseError;
      broken = !answered;
      if (answered) {
        await client.query('ROLLBACK').catch(() => {});
      }
      throw this.unavailable(error);
    } finally {
      client.release(broken);
    }
  }

  /** Database errors become StorageUnavailable, which ingest answers with 503. */
  private unavailable(error: unknown): unknown {
    if (error instanceof VersionConflict || error instanceof StorageUnavailable || !(error instanceof Error)) {
      return error;
    }
    return new StorageUnavailable(`storage error: ${error.message}`);
  }
}

/**
 * WeCom's errmsg is stored as it came, but PostgreSQL's text cannot hold U+0000: an answer with
 * one must not make its attempt unrecordable (and the queue retry forever).
 */
function withoutNul(text: string): string {
  return text.replaceAll('\u0000', '');
}
