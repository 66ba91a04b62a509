/**
 * What the relay keeps, split by who uses it. SQLite implements it for one relay, PostgreSQL for
 * several replicas: every write that decides who sends what (claimDestination) is a claim with a
 * lease, and every count that must hold for all of them (reserveSend) is taken atomically.
 */
import type { AlertGroup } from '../../core/alert';

export type Provenance = 'file' | 'api';

/** A stored service or rule: its config JSON with secret fields sealed (never plaintext). */
export interface StoredObject {
  uid: string;
  name: string;
  /** JSON of the config, secrets sealed by SecretBox. */
  sealed: string;
  provenance: Provenance;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export type ObjectKind = 'service' | 'rule';

export type DestinationKind = 'robot' | 'app';

/** `skipped`: accepted but not to be sent (see DeliveryReason); kept so every webhook leaves a trace. */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/**
 * Why a delivery was not sent at once: skipped because the rule is disabled, its filters matched
 * no alert, or the same group state came within the dedup window; or held by quiet hours.
 */
export type DeliveryReason = 'rule_disabled' | 'no_match' | 'duplicate' | 'quiet_hours';

export interface NewDelivery {
  ruleUid: string;
  serviceUid: string;
  /** Queue key: deliveries with the same destination are sent in order and share rate limits. */
  destination: string;
  kind: DestinationKind;
  /** Human label of the destination (group names, or accounts), for the delivery log. */
  label: string;
  group: AlertGroup;
  isTest: boolean;
  /** Quiet hours: not sent before this time (ms). */
  notBefore: number;
  /** Set when the delivery is held (quiet hours); skipped ones get theirs from the call storing them. */
  reason?: DeliveryReason | null;
}

/** What one webhook stores. `now` is when it was received. */
export type IngestWrite =
  /**
   * Pending deliveries, unless the same dedupKey was stored within dedupWindowMs: then they are
   * only logged as skipped (reason duplicate).
   */
  | { action: 'enqueue'; dedupKey: string; dedupWindowMs: number; deliveries: NewDelivery[]; now: number }
  /** Deliveries that will not be sent, logged as skipped so that the webhook leaves a trace. */
  | { action: 'skip'; reason: DeliveryReason; deliveries: NewDelivery[]; now: number };

export interface IngestResult {
  /** False when the deliveries were only logged as skipped. */
  stored: boolean;
  /** The delivery log entries, either way. */
  ids: number[];
}

export interface Delivery extends NewDelivery {
  id: number;
  status: DeliveryStatus;
  partsSent: number;
  /** Rendered one line per alert: once a part is sent, the rest must follow in the same style. */
  digest: boolean;
  attempts: number;
  createdAt: number;
  sentAt: number | null;
  lastErrcode: number | null;
  lastError: string | null;
  reason: DeliveryReason | null;
  /** App recipients WeCom did not deliver to in the last attempt that named any (see AttemptRecord). */
  invalidRecipients: string[];
  /** A storm view has shown every alert of it; its detail follows as the rate budget frees. */
  summarized: boolean;
}

export interface AttemptRecord {
  deliveryIds: number[];
  destination: string;
  at: number;
  ok: boolean;
  errcode: number | null;
  errmsg: string;
  httpStatus: number | null;
  durationMs: number;
  /** The message as sent (no secrets: bodies never carry keys or tokens). */
  message: unknown;
  /**
   * App messages WeCom accepted but did not deliver to some recipients: users as WeCom returns
   * them, `party:ID`, `tag:ID`, `unlicensed:USERID`.
   */
  invalidRecipients?: string[];
}

export interface Attempt extends Omit<AttemptRecord, 'deliveryIds' | 'invalidRecipients'> {
  id: number;
  deliveryId: number;
  invalidRecipients: string[];
}

export interface DueDestination {
  destination: string;
  /** Earliest time something in this queue may be sent (ms). */
  dueAt: number;
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  ruleUid?: string;
  serviceUid?: string;
  destination?: string;
  since?: number;
  until?: number;
  /** Deliveries with id below this (newest first paging). */
  before?: number;
  limit: number;
}

export interface QueueStats {
  pending: number;
  failed: number;
  oldestPendingAt: number | null;
}

/** Services and rules, sealed. */
export interface ObjectStore {
  listObjects(kind: ObjectKind): Promise<StoredObject[]>;
  getObject(kind: ObjectKind, uid: string): Promise<StoredObject | undefined>;
  /**
   * Applies object changes in one transaction. `expectVersion` guards against lost updates: the
   * write fails with VersionConflict when the stored version differs.
   */
  writeObjects(changes: ObjectChange[]): Promise<void>;
  /**
   * Calls `listener` when objects may have been changed by another relay sharing this storage
   * (a replica's admin API or provisioning reload), and after a lost connection to it returns.
   */
  onObjectsChanged(listener: () => void): void;
}

/** Webhooks as they are accepted: the outbox's writes, and dedup. */
export interface IngestStore {
  /** Ingest transactions that may be under way at once (more than one only where they overlap). */
  readonly ingestCommits: number;
  /**
   * Writes ingested groups in one transaction (a group commit, sharing one fsync): every write is
   * stored, or, when it throws, none is. Results come in the order of `writes`. Their dedup keys
   * are distinct (GroupCommit's batches are): on PostgreSQL one statement upserts them all, in
   * key order, so that concurrent ingests never wait on each other in a circle.
   */
  ingest(writes: IngestWrite[]): Promise<IngestResult[]>;
}

/** Destination queues as workers lease them, and what a send does to the deliveries it carried. */
export interface QueueStore {
  /** Destinations with pending work that no live worker holds, with the time each becomes due. */
  dueDestinations(now: number): Promise<DueDestination[]>;
  /**
   * Claims the pending deliveries of one destination for `leaseMs`, oldest first: the oldest
   * `limit`, and the oldest `limit` no storm view has shown yet (so that a storm's newest groups
   * are seen while the detail of older ones still waits). Returns [] when another worker holds
   * the destination.
   */
  claimDestination(
    destination: string,
    worker: string,
    leaseMs: number,
    limit: number,
    now: number
  ): Promise<Delivery[]>;
  /** Extends a claim still held by `worker`; false when it was lost (the lease ran out). */
  renewClaim(destination: string, worker: string, leaseMs: number, now: number): Promise<boolean>;
  /**
   * When the delivery worker `worker` starts: forgets the claims no live worker can hold, so that
   * their queues resume at once rather than when their lease runs out. On SQLite (one relay per
   * data dir) that is every claim; on PostgreSQL, those of `worker` only, left by a delivery
   * thread that died (the one started in its place keeps its relay's worker id).
   */
  recoverClaims(worker: string): Promise<void>;
  /**
   * Ends a claim. `retryAt` holds the queue until then (backoff, rate limit, linger); `failures`
   * is its count of consecutive failed tries from now on (0 after a pass that ended well). `now`:
   * the queue stays due for what it still holds that is due by then.
   */
  releaseDestination(
    destination: string,
    worker: string,
    hold: { retryAt: number | null; failures: number },
    now: number
  ): Promise<void>;
  /** Backoff state of a destination: consecutive failed attempts. */
  destinationFailures(destination: string): Promise<number>;
  /** Records one send to WeCom and its effect on the deliveries it carried. */
  recordAttempt(attempt: AttemptRecord, progress: DeliveryProgress[]): Promise<void>;
  failDeliveries(ids: number[], errcode: number | null, error: string): Promise<void>;
  /** Fails every delivery due on the queue (WeCom refused its destination for good); their ids. */
  failDueDeliveries(destination: string, errcode: number | null, error: string, now: number): Promise<number[]>;
}

/** A rate limit: at most `limit` sends per key within any `windowMs`. */
export interface RateWindow {
  windowMs: number;
  limit: number;
}

/** Sends per limiter key (robot key, app recipient), the one count all workers share. */
export interface SendLedger {
  /** Sends since `since`, per limiter key. */
  countSends(keys: string[], since: number): Promise<Map<string, number>>;
  /** The oldest send since `since` for a key (to know when budget frees up). */
  oldestSend(key: string, since: number): Promise<number | null>;
  /**
   * Records one send for every key, unless one of them has reached a window's limit: then
   * records nothing and returns false. Atomic across workers, so two queues sharing a recipient
   * cannot both take its last slot.
   */
  reserveSend(keys: string[], windows: RateWindow[], at: number): Promise<boolean>;
}

/** The delivery log as the admin API shows it, and its retention. */
export interface DeliveryLog {
  getDelivery(id: number): Promise<Delivery | undefined>;
  listDeliveries(query: DeliveryQuery): Promise<Delivery[]>;
  listAttempts(deliveryId: number): Promise<Attempt[]>;
  /** The latest attempt of each of these deliveries that has any. */
  lastAttempts(deliveryIds: number[]): Promise<Map<number, Attempt>>;
  /** Puts a failed (or sent) delivery back in its queue. */
  retryDelivery(id: number, now: number): Promise<Delivery | undefined>;
  queueStats(): Promise<QueueStats>;
  /** Deletes finished deliveries older than `before`, and rate-limit and dedup records no longer needed. */
  prune(before: number, now: number): Promise<number>;
}

/** A stored access token, sealed by the caller. */
export interface StoredToken {
  sealed: string;
  /** When it is to be fetched again (ms). */
  until: number;
}

/** WeCom access tokens kept where every relay sharing the storage finds them. */
export interface TokenShelf {
  readToken(key: string): Promise<StoredToken | undefined>;
  writeToken(key: string, token: StoredToken): Promise<void>;
  /** Runs `work` while no other relay sharing the storage runs work for the same key. */
  withTokenLock<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export interface Storage extends ObjectStore, IngestStore, QueueStore, SendLedger, DeliveryLog, TokenShelf {
  readonly kind: 'sqlite' | 'postgres';
  /** Throws when the database cannot be reached (readyz, 503). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type ObjectChange =
  | {
      op: 'put';
      kind: ObjectKind;
      object: Omit<StoredObject, 'version' | 'createdAt' | 'updatedAt'>;
      expectVersion?: number;
      now: number;
    }
  | { op: 'delete'; kind: ObjectKind; uid: string; expectVersion?: number };

export interface DeliveryProgress {
  id: number;
  /** Parts of this delivery sent so far (cumulative). */
  partsSent: number;
  /** All parts sent: the delivery is done. */
  done: boolean;
  /** The style its parts were rendered in. */
  digest: boolean;
  /** Carried by a storm view (set once, never cleared by later progress). */
  summarized?: boolean;
}

export class VersionConflict extends Error {
  constructor(
    readonly kind: ObjectKind,
    readonly uid: string,
    readonly actual: number | null
  ) {
    super(`${kind} ${uid} was changed by someone else (now version ${actual ?? 'deleted'})`);
  }
}

export class StorageUnavailable extends Error {}
