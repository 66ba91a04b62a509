/**
 * The delivery thread: the DeliveryWorker with a storage connection, config and WeCom client of
 * its own, so that planning, rendering and sending never hold up the event loop that answers
 * webhooks. Its log lines and metrics go to the relay's, through the port.
 */
import type { MessagePort } from 'node:worker_threads';
import { Catalog } from '../config/catalog';
import type { Logger } from '../logger';
import { SecretBox } from '../secrets';
import { openStorage } from '../storage/open';
import { WecomClient } from '../wecom/client';
import { resolveEgress } from '../wecom/egress';
import { clientEvents } from '../wecom/events';
import { sealedTokens } from '../wecom/shared-tokens';
import type { DeliveryThreadData, ForwardedMetric, FromThread, ToThread } from './thread-protocol';
import { DeliveryWorker } from './worker';

function forwardedLogger(port: MessagePort): Pick<Logger, 'error' | 'warn' | 'info' | 'debug'> {
  const level = (name: 'error' | 'warn' | 'info' | 'debug') => (fields: object | string, message?: string) => {
    const [entry, text] = typeof fields === 'string' ? [{}, fields] : [fields, message ?? ''];
    port.postMessage({ type: 'log', level: name, fields: entry, message: text } satisfies FromThread);
  };
  return { error: level('error'), warn: level('warn'), info: level('info'), debug: level('debug') } as Pick<
    Logger,
    'error' | 'warn' | 'info' | 'debug'
  >;
}

function forwardedMetrics(port: MessagePort) {
  const metric = (name: ForwardedMetric) => ({
    inc: (labels: Record<string, string | number>, value?: number) =>
      port.postMessage({ type: 'metric', name, op: 'inc', labels, value } satisfies FromThread),
    observe: (labels: Record<string, string | number>, value: number) =>
      port.postMessage({ type: 'metric', name, op: 'observe', labels, value } satisfies FromThread),
  });
  return {
    deliveries: metric('deliveries'),
    messages: metric('messages'),
    errcodes: metric('errcodes'),
    rateLimitWaits: metric('rateLimitWaits'),
    sendLatency: metric('sendLatency'),
    tokenRefreshes: metric('tokenRefreshes'),
    invalidRecipients: metric('invalidRecipients'),
  };
}

export async function runDeliveryThread(data: DeliveryThreadData, port: MessagePort): Promise<void> {
  const post = (message: FromThread) => port.postMessage(message);
  const logger = forwardedLogger(port);
  const metrics = forwardedMetrics(port);
  const { settings } = data;
  let stopping: Promise<void> | undefined;
  try {
    const storage = await openStorage(settings, { logger, migrate: false, forDelivery: true });
    await storage.recoverClaims(data.workerId);
    const box = new SecretBox(data.secretKey);
    const catalog = new Catalog(storage, box, settings.apiBase);
    await catalog.reload();
    const egress = resolveEgress(settings.apiBase, settings.egress);
    const client = new WecomClient({
      apiBase: settings.apiBase,
      dispatcher: egress.dispatcher,
      sharedTokens: sealedTokens(storage, box),
      onEgressIp: (ip) => post({ type: 'egressIp', ip }),
      ...clientEvents(metrics, logger),
    });
    const worker = new DeliveryWorker({
      storage,
      catalog,
      client,
      logger,
      metrics,
      maxAgeMs: settings.maxAgeMs,
      lingerMs: settings.lingerMs,
      workerId: data.workerId,
    });
    port.on('message', (message: ToThread) => {
      if (message.type === 'wake') {
        worker.wake(message.destinations);
      } else if (message.type === 'config') {
        catalog.reload().catch((error) => logger.error({ err: error }, 'cannot reload the changed config'));
      } else {
        stopping ??= (async () => {
          await worker.stop();
          await storage.close();
          await egress.dispatcher.close();
          post({ type: 'stopped' });
          port.close();
        })();
      }
    });
    worker.start();
    post({ type: 'ready' });
  } catch (error) {
    post({ type: 'failed', error: error as Error });
    port.close();
  }
}
