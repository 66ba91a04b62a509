/**
 * The relay's side of its delivery thread (thread-main.ts): starts it, passes it new work and
 * config changes, takes in its log lines and metrics, and starts it again should it die.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Settings } from '../settings';
import type { WecomClient } from '../wecom/client';
import { backoffMs } from './backoff';
import { runDeliveryThread } from './thread-main';
import { DELIVERY_THREAD_ROLE, type DeliveryThreadData, type FromThread, type ToThread } from './thread-protocol';

/** The delivery thread runs this very file (the relay's bundle, or this module from source). */
if (!isMainThread && (workerData as DeliveryThreadData | undefined)?.role === DELIVERY_THREAD_ROLE) {
  void runDeliveryThread(workerData as DeliveryThreadData, parentPort!);
}

const RESTART_AFTER_MS = 1_000;

export interface DeliveryThreadOptions {
  settings: Settings;
  secretKey: string;
  workerId: string;
  logger: Logger;
  metrics: Metrics;
  /** The relay's own client, which shows the egress IP in /status. */
  client: WecomClient;
}

export class DeliveryThread {
  private thread: Worker | undefined;
  private stopping = false;
  private restart: NodeJS.Timeout | undefined;
  /** Starts again that failed (the database away, say) since the thread last worked. */
  private failedStarts = 0;
  /** Destinations with new work since the last wake was posted: one message per turn of the loop. */
  private pendingWake: Set<string> | undefined;

  constructor(private readonly options: DeliveryThreadOptions) {}

  /** Resolves once the thread has loaded its config and works; rejects when it cannot start. */
  start(): Promise<void> {
    const thread = this.spawn();
    return new Promise((resolve, reject) => {
      const settle = (message: FromThread) => {
        if (message.type === 'ready') {
          thread.off('message', settle);
          resolve();
        } else if (message.type === 'failed') {
          thread.off('message', settle);
          // The relay does not start: nothing to start again.
          this.stopping = true;
          void thread.terminate();
          reject(message.error);
        }
      };
      thread.on('message', settle);
    });
  }

  /** New work for these destinations (or a retry by hand): the worker looks now. */
  wake(destinations: string[] = []): void {
    if (!this.pendingWake) {
      this.pendingWake = new Set();
      setImmediate(() => {
        const wake: ToThread = { type: 'wake', destinations: [...this.pendingWake!] };
        this.pendingWake = undefined;
        this.thread?.postMessage(wake);
      });
    }
    destinations.forEach((destination) => this.pendingWake!.add(destination));
  }

  /** Services or rules changed and are committed. */
  configChanged(): void {
    this.thread?.postMessage({ type: 'config' } satisfies ToThread);
  }

  /** Lets the sends in flight be recorded, then ends the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restart);
    const thread = this.thread;
    if (!thread) {
      return;
    }
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    thread.postMessage({ type: 'stop' } satisfies ToThread);
    await exited;
  }

  private spawn(): Worker {
    const { settings, secretKey, workerId, logger } = this.options;
    const data: DeliveryThreadData = { role: DELIVERY_THREAD_ROLE, settings, secretKey, workerId };
    // From source (tests, tsx) the thread compiles TypeScript as the relay's process does.
    const load = __filename.endsWith('.ts') ? 'require("tsx/cjs/api").register();' : '';
    const thread = new Worker(`${load} require(${JSON.stringify(__filename)});`, { eval: true, workerData: data });
    thread.on('message', (message: FromThread) => this.receive(message));
    thread.on('error', (error) => logger.error({ err: error }, 'the delivery thread failed'));
    thread.on('exit', (code) => {
      if (this.thread === thread) {
        this.thread = undefined;
      }
      if (!this.stopping) {
        const waitMs = Math.max(RESTART_AFTER_MS, backoffMs(this.failedStarts, Math.random));
        logger.error({ code }, `the delivery thread stopped; starting it again in ${Math.round(waitMs / 100) / 10}s`);
        this.restart = setTimeout(() => (this.thread = this.spawn()), waitMs);
      }
    });
    this.thread = thread;
    return thread;
  }

  private receive(message: FromThread): void {
    const { logger, metrics, client } = this.options;
    if (message.type === 'log') {
      logger[message.level](message.fields, message.message);
    } else if (message.type === 'metric') {
      const metric = metrics[message.name] as unknown as Record<typeof message.op, (...args: unknown[]) => void>;
      metric[message.op](...(message.value === undefined ? [message.labels] : [message.labels, message.value]));
    } else if (message.type === 'egressIp') {
      client.noteEgressIp(message.ip);
    } else if (message.type === 'ready') {
      this.failedStarts = 0;
    } else if (message.type === 'failed' && this.stopping === false && this.thread) {
      // Ended at once rather than left to wind down with what it opened; each further failed
      // start waits longer, so that an outage does not start a thread every second.
      this.failedStarts++;
      logger.error({ err: message.error }, 'the delivery thread could not start');
      void this.thread.terminate();
    }
  }
}
