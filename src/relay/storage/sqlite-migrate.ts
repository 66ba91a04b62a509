/**
 * Brings a SQLite database to the latest schema at start. The version is SQLite's user_version
 * (0 in a new file). Only the relay's main connection migrates, before its ingest and checkpoint
 * threads open the file; the steps and the new version commit in one IMMEDIATE transaction, so a
 * second process starting at the same moment waits for it and then finds nothing left to do.
 */
import type Database from 'better-sqlite3';
import { LATEST_VERSION, MIGRATIONS, SchemaTooNew } from './migrations';

/** What the releases before versioned migrations added at start to data dirs older than them. */
const UNVERSIONED_ADDITIONS = [
  ['deliveries', 'reason', 'ALTER TABLE deliveries ADD COLUMN reason TEXT'],
  ['deliveries', 'invalid_recipients', 'ALTER TABLE deliveries ADD COLUMN invalid_recipients TEXT'],
  ['attempts', 'invalid_recipients', 'ALTER TABLE attempts ADD COLUMN invalid_recipients TEXT'],
] as const;

function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function tableNames(db: Database.Database): string[] {
  const rows = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all() as Array<{ name: string }>;
  return rows.map((row) => row.name);
}

/**
 * A database from before versioning has user_version 0 and the tables of migration 1, perhaps
 * without the columns and index added since: these are added, and it counts as version 1.
 */
function adoptUnversioned(db: Database.Database, file: string, tables: string[]): void {
  if (!tables.includes('objects') || !tables.includes('deliveries')) {
    throw new Error(`${file} is not a WeCom Relay database (it holds the tables ${tables.join(', ')})`);
  }
  for (const [table, column, add] of UNVERSIONED_ADDITIONS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
    if (!columns.some((existing) => existing.name === column)) {
      db.exec(add);
    }
  }
  db.exec('CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (status, destination, not_before)');
}

function refuseNewer(version: number, file: string): void {
  if (version > LATEST_VERSION) {
    throw new SchemaTooNew(
      `${file} has schema version ${version}, newer than this WeCom Relay knows (${LATEST_VERSION}): ` +
        'a newer release has upgraded it. Run that release (or newer), or restore the backup of the data dir ' +
        'taken before the upgrade.'
    );
  }
}

/**
 * For a process beside the relay (send-test): it must not change the schema under a running relay
 * of another release, so it only works on a database at this release's version.
 */
export function requireCurrentSchema(db: Database.Database, file: string): void {
  const version = schemaVersion(db);
  refuseNewer(version, file);
  if (version < LATEST_VERSION) {
    throw new Error(
      `${file} has schema version ${version}, older than this WeCom Relay's (${LATEST_VERSION}): ` +
        'start `wecom-relay serve` of this release on the data dir once, which upgrades it.'
    );
  }
}

export function migrateSqlite(db: Database.Database, file: string): void {
  // Up to date, the usual case, it takes no write lock.
  const found = schemaVersion(db);
  refuseNewer(found, file);
  if (found === LATEST_VERSION) {
    return;
  }
  db.transaction(() => {
    // Read again under the write lock: another process may have migrated in between.
    const current = schemaVersion(db);
    refuseNewer(current, file);
    const tables = tableNames(db);
    let applied = current;
    if (current === 0 && tables.length > 0) {
      adoptUnversioned(db, file, tables);
      applied = 1;
    }
    for (const migration of MIGRATIONS.filter((step) => step.id > applied)) {
      try {
        db.exec(migration.sqlite);
      } catch (error) {
        throw new Error(
          `upgrading ${file} failed at migration ${migration.id} (${migration.description}): ` +
            `${(error as Error).message}. Nothing was changed: it is still at schema version ${current}.`
        );
      }
    }
    db.pragma(`user_version = ${LATEST_VERSION}`);
  }).immediate();
}
