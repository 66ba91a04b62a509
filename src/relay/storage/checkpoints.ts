/**
 * Moves the WAL back into the database file from a thread with its own connection, so that
 * neither the copy nor its fsync happens inside an ingest commit or stalls the event loop (the
 * ingest connection runs with wal_autocheckpoint off).
 *
 * A passive checkpoint never waits for the writer, but under constant writes it never finishes
 * either, and only a finished checkpoint lets the next writer start the WAL from its beginning.
 * So once the WAL holds more than RESTART_FRAMES pages, a RESTART checkpoint waits for a gap
 * between commits and finishes; by then the passive ones have already copied most of it.
 */
import { Worker } from 'node:worker_threads';

const INTERVAL_MS = 500;
/** 64 MiB of WAL at SQLite's default 4 KiB page. */
const RESTART_FRAMES = 16_384;

// Plain CommonJS evaluated in the thread, so that it runs the same from source and from the bundle.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
setInterval(() => {
  try {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    if (log >= workerData.restartFrames) {
      db.pragma('wal_checkpoint(RESTART)');
    }
  } catch (error) {
    parentPort.postMessage(String(error && error.message));
  }
}, workerData.intervalMs);
`;

export interface Checkpoints {
  stop(): Promise<void>;
}

export function startCheckpoints(file: string, onError: (error: Error) => void): Checkpoints {
  const thread = new Worker(THREAD, {
    eval: true,
    execArgv: [],
    workerData: {
      driver: require.resolve('better-sqlite3'),
      file,
      intervalMs: INTERVAL_MS,
      restartFrames: RESTART_FRAMES,
    },
  });
  thread.unref();
  thread.on('message', (message: string) => onError(new Error(`WAL checkpoint failed: ${message}`)));
  thread.on('error', onError);
  return {
    async stop() {
      await thread.terminate();
    },
  };
}
