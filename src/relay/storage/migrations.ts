/**
 * The relay's schema as numbered steps, oldest first. A database records the id of the last step
 * applied to it; at start the relay applies the ones after it, in one transaction. A step, once
 * released, is never edited: a change to the schema is a new step at the end. Each backend
 * carries its own SQL for the same step.
 */
export interface Migration {
  id: number;
  description: string;
  sqlite: string;
  /**
   * PostgreSQL storage arrived with step 5, which creates its whole schema: the steps before it
   * have nothing to do there.
   */
  postgres?: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    description: 'the schema of the releases before versioned migrations',
    sqlite: `
CREATE TABLE objects (
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
CREATE TABLE ingests (
  dedup_key TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
);
CREATE TABLE deliveries (
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
  invalid_recipients TEXT
);
CREATE INDEX deliveries_queue ON deliveries (destination, status, id);
CREATE INDEX deliveries_status ON deliveries (status, id);
CREATE INDEX deliveries_pending ON deliveries (status, destination, not_before);
CREATE TABLE destinations (
  destination TEXT PRIMARY KEY,
  retry_at INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  claimed_by TEXT,
  claimed_until INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE attempts (
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
CREATE INDEX attempts_delivery ON attempts (delivery_id, id);
CREATE TABLE sends (
  limiter_key TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX sends_key_at ON sends (limiter_key, at);
`,
  },
  {
    id: 2,
    description:
      'a webhook’s group stored once, its deliveries referring to it; one partial index for pending work ' +
      '(and one for the failed ones in the delivery log, which ingest never writes); ' +
      'no AUTOINCREMENT; dedup keys and destinations without a separate rowid',
    // The deliveries of one webhook were stored one after another, each with a copy of its group:
    // a run of equal group_json in id order becomes one group, numbered by the run's first id.
    sqlite: `
CREATE TABLE groups (
  id INTEGER PRIMARY KEY,
  json TEXT NOT NULL
);
CREATE TABLE deliveries_new (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL,
  rule_uid TEXT NOT NULL,
  service_uid TEXT NOT NULL,
  destination TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
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
  invalid_recipients TEXT
);
INSERT INTO deliveries_new (id, group_id, rule_uid, service_uid, destination, kind, label, is_test, not_before,
    status, parts_sent, digest, attempts, created_at, sent_at, last_errcode, last_error, reason, invalid_recipients)
  SELECT id, MAX(CASE WHEN starts_run THEN id END) OVER (ORDER BY id), rule_uid, service_uid, destination, kind,
      label, is_test, not_before, status, parts_sent, digest, attempts, created_at, sent_at, last_errcode,
      last_error, reason, invalid_recipients
    FROM (SELECT *, group_json IS NOT LAG(group_json) OVER (ORDER BY id) AS starts_run FROM deliveries);
INSERT INTO groups (id, json)
  SELECT id, group_json FROM deliveries WHERE id IN (SELECT group_id FROM deliveries_new);
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_pending ON deliveries (destination, id, not_before) WHERE status = 'pending';
CREATE INDEX deliveries_failed ON deliveries (id) WHERE status = 'failed';

CREATE TABLE attempts_new (
  id INTEGER PRIMARY KEY,
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
INSERT INTO attempts_new (id, delivery_id, destination, at, ok, errcode, errmsg, http_status, duration_ms,
    message_json, invalid_recipients)
  SELECT id, delivery_id, destination, at, ok, errcode, errmsg, http_status, duration_ms, message_json,
      invalid_recipients
    FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_new RENAME TO attempts;
CREATE INDEX attempts_delivery ON attempts (delivery_id, id);

CREATE TABLE ingests_new (
  dedup_key TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO ingests_new (dedup_key, received_at) SELECT dedup_key, received_at FROM ingests;
DROP TABLE ingests;
ALTER TABLE ingests_new RENAME TO ingests;

CREATE TABLE destinations_new (
  destination TEXT PRIMARY KEY,
  retry_at INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  claimed_by TEXT,
  claimed_until INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO destinations_new (destination, retry_at, failures, claimed_by, claimed_until)
  SELECT destination, retry_at, failures, claimed_by, claimed_until FROM destinations;
DROP TABLE destinations;
ALTER TABLE destinations_new RENAME TO destinations;
`,
  },
  {
    id: 3,
    description: 'deliveries remember whether a storm view has already shown their alerts',
    sqlite: `ALTER TABLE deliveries ADD COLUMN summarized INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    id: 4,
    description:
      'each destination keeps when its queue next becomes due (the earliest not_before of its pending ' +
      'deliveries, NULL when none), so that finding due work reads destinations, not every pending row',
    sqlite: `
ALTER TABLE destinations ADD COLUMN next_due INTEGER;
INSERT INTO destinations (destination) SELECT DISTINCT destination FROM deliveries WHERE status = 'pending'
  ON CONFLICT DO NOTHING;
UPDATE destinations SET next_due = (
  SELECT MIN(d.not_before) FROM deliveries d WHERE d.destination = destinations.destination AND d.status = 'pending'
);
CREATE INDEX destinations_due ON destinations (next_due) WHERE next_due IS NOT NULL;
`,
  },
  {
    id: 5,
    description:
      'WeCom access tokens kept in storage (sealed), so that a restart, or another replica, reuses one ' +
      'instead of calling gettoken; PostgreSQL: the whole schema',
    sqlite: `
CREATE TABLE tokens (
  key TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  until INTEGER NOT NULL
) WITHOUT ROWID;
`,
    postgres: `
CREATE TABLE objects (
  kind TEXT NOT NULL,
  uid TEXT NOT NULL,
  name TEXT NOT NULL,
  sealed TEXT NOT NULL,
  provenance TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (kind, uid)
);
CREATE TABLE ingests (
  dedup_key TEXT PRIMARY KEY,
  received_at BIGINT NOT NULL
);
CREATE TABLE groups (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  json TEXT NOT NULL
);
CREATE TABLE deliveries (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  group_id BIGINT NOT NULL,
  rule_uid TEXT NOT NULL,
  service_uid TEXT NOT NULL,
  destination TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  is_test SMALLINT NOT NULL,
  not_before BIGINT NOT NULL,
  status TEXT NOT NULL,
  parts_sent INTEGER NOT NULL DEFAULT 0,
  digest SMALLINT NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  last_errcode INTEGER,
  last_error TEXT,
  reason TEXT,
  invalid_recipients TEXT,
  summarized SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX deliveries_pending ON deliveries (destination, id, not_before) WHERE status = 'pending';
CREATE INDEX deliveries_failed ON deliveries (id) WHERE status = 'failed';
CREATE INDEX deliveries_group ON deliveries (group_id);
CREATE TABLE destinations (
  destination TEXT PRIMARY KEY,
  retry_at BIGINT NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  claimed_by TEXT,
  claimed_until BIGINT NOT NULL DEFAULT 0,
  next_due BIGINT
);
CREATE INDEX destinations_due ON destinations (next_due) WHERE next_due IS NOT NULL;
CREATE TABLE attempts (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  delivery_id BIGINT NOT NULL,
  destination TEXT NOT NULL,
  at BIGINT NOT NULL,
  ok SMALLINT NOT NULL,
  errcode INTEGER,
  errmsg TEXT NOT NULL,
  http_status INTEGER,
  duration_ms INTEGER NOT NULL,
  message_json TEXT NOT NULL,
  invalid_recipients TEXT
);
CREATE INDEX attempts_delivery ON attempts (delivery_id, id);
CREATE TABLE sends (
  limiter_key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX sends_key_at ON sends (limiter_key, at);
CREATE TABLE tokens (
  key TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  until BIGINT NOT NULL
);
`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].id;

/** The database was upgraded by a newer release: this one must not touch it. */
export class SchemaTooNew extends Error {}
