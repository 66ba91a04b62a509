/**
 * One relay per SQLite data dir: two would both claim every queue at start (recoverClaims) and
 * send twice. The lock is SQLite's own exclusive lock on a small file of its own, so the operating
 * system drops it when the process dies, even by kill -9: no stale lock to clean up. `send-test`
 * and `validate` do not take it; they may run beside the relay.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export class DataDirInUse extends Error {}

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'wecom-relay.lock');
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // Held until release: no other connection, in this process or another, can begin one.
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DataDirInUse(
        `another relay is already running on the data dir ${dataDir}: one relay per SQLite data dir. ` +
          'Stop the other one, or give this one its own --data-dir; to run several replicas, use PostgreSQL (--database-url).'
      );
    }
    throw error;
  }
  return {
    release: () => {
      if (db.open) {
        db.exec('ROLLBACK');
        db.close();
      }
    },
  };
}
