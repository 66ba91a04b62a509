/**
 * What both backends share: rows as the relay's types, the SQL that keeps a queue's due time, and
 * the parsed groups of claimed deliveries. Columns are the same in SQLite and PostgreSQL (flags
 * as 0/1 integers, times as ms), so one mapping serves both.
 */
import type { AlertGroup } from '../../core/alert';
import type { Attempt, Delivery, DeliveryReason, DeliveryStatus, StoredObject } from './types';

/** Deliveries as DeliveryRow: each with its group, which the deliveries of one webhook share. */
export const DELIVERY_ROWS = 'SELECT d.*, g.json AS group_json FROM deliveries d JOIN groups g ON g.id = d.group_id';

/**
 * Written out, not bound: SQLite (and PostgreSQL with a generic plan) only uses a partial index (pending work, failed deliveries) for a
 * query whose WHERE names its condition.
 */
export const STATUS_FILTERS: Record<DeliveryStatus, string> = {
  pending: "d.status = 'pending'",
  sent: "d.status = 'sent'",
  failed: "d.status = 'failed'",
  skipped: "d.status = 'skipped'",
};

/** How long rate-limit and dedup records are kept: the longest window they serve (1 h). */
export const SEND_LOG_RETENTION_MS = 3_600_000 + 60_000;

/** A deliveries row, without its group. */
export interface DeliveryFields {
  id: number;
  group_id: number;
  rule_uid: string;
  service_uid: string;
  destination: string;
  kind: 'robot' | 'app';
  label: string;
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

export interface DeliveryRow extends DeliveryFields {
  group_json: string;
}

function recipientList(json: string | null): string[] {
  return json ? (JSON.parse(json) as string[]) : [];
}

export function toDelivery(row: DeliveryRow): Delivery {
  return withGroup(row, JSON.parse(row.group_json));
}

export function withGroup(row: DeliveryFields, group: AlertGroup): Delivery {
  return {
    id: row.id,
    ruleUid: row.rule_uid,
    serviceUid: row.service_uid,
    destination: row.destination,
    kind: row.kind,
    label: row.label,
    group,
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

export interface AttemptRow {
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
}

export function toAttempt(row: AttemptRow): Attempt {
  return {
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
  };
}

export interface ObjectRow {
  uid: string;
  name: string;
  sealed: string;
  provenance: StoredObject['provenance'];
  version: number;
  created_at: number;
  updated_at: number;
}

export function toObject(row: ObjectRow): StoredObject {
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

/**
 * When a destination's queue next becomes due: the earliest not_before of its pending deliveries,
 * NULL when it has none. Kept on its destinations row (lowered by ingest and by a retry by hand,
 * recomputed when a worker lets go of the queue), so that finding due work never scans deliveries.
 */
export function earliestPending(destination: string): string {
  return `(SELECT MIN(d.not_before) FROM deliveries d WHERE d.destination = ${destination} AND d.status = 'pending')`;
}

/**
 * earliestPending as of `now`, without reading a whole backlog: one delivery already due (found
 * in id order, so at the head of a backlog) makes the queue due now as well as the earliest would.
 */
export function nextDue(destination: string, now: string): string {
  return `COALESCE(
    (SELECT d.not_before FROM deliveries d
       WHERE d.destination = ${destination} AND d.status = 'pending' AND d.not_before <= ${now} ORDER BY d.id LIMIT 1),
    ${earliestPending(destination)})`;
}

/**
 * Groups parsed for claims, by id. A backlog's oldest deliveries are claimed again on every pass
 * until they are sent, and a group never changes once stored: each is read and parsed once.
 */
export class GroupCache {
  private readonly groups = new Map<number, AlertGroup>();

  constructor(private readonly kept = 4_096) {}

  /** The ids among these not parsed yet, each once. */
  missing(ids: number[]): number[] {
    return [...new Set(ids.filter((id) => !this.groups.has(id)))];
  }

  /** The groups of `ids`, after `missing` ones were added from `rows`. */
  take(ids: number[], rows: Array<{ id: number; json: string }>): Map<number, AlertGroup> {
    for (const row of rows) {
      this.groups.set(row.id, JSON.parse(row.json));
    }
    const taken = new Map(ids.map((id) => [id, this.groups.get(id)!]));
    // Oldest first out: the groups of a drained backlog are claimed no more.
    for (const id of this.groups.keys()) {
      if (this.groups.size <= this.kept) {
        break;
      }
      this.groups.delete(id);
    }
    return taken;
  }
}
