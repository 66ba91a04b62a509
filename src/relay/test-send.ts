/**
 * A real test message to every destination of a service, answered per destination: what an
 * operator pressing "Test" needs to know (ok, or WeCom's errcode, errmsg and what to do).
 */
import type { AlertGroup } from '../core/alert';
import { answerHints } from '../core/errcodes';
import type { Language, ServiceConfig } from '../core/config';
import { renderDeliveryMessages, SAMPLE_GROUPS } from '../core/render';
import { budgetOf } from './delivery/budget';
import { destinationLabel, destinationsOf, type ResolvedDestination } from './delivery/destinations';
import { OVER_BUDGET, sendTo } from './delivery/send';
import { messageKindOf } from './delivery/worker';
import type { Storage } from './storage/types';
import type { SendOutcome, WecomClient } from './wecom/client';
import { invalidRecipientsHint } from './wecom/recipients';

export interface DestinationResult {
  destination: string;
  kind: 'robot' | 'app';
  label: string;
  ok: boolean;
  errcode: number | null;
  errmsg: string;
  hint: { 'zh-CN': string; en: string } | null;
  invalidRecipients: string[];
}

/** The test message reads like the default templates' alerts, which are in Chinese, whatever language the caller reads. */
const TEST_MESSAGE_LANGUAGE: Language = 'zh-CN';

function testGroup(now: Date): AlertGroup {
  const sample = SAMPLE_GROUPS.test;
  return { ...sample, alerts: sample.alerts.map((alert) => ({ ...alert, startsAt: now.toISOString() })) };
}

async function sendOne(
  target: ResolvedDestination,
  service: ServiceConfig,
  storage: Storage,
  client: WecomClient,
  language: Language
): Promise<SendOutcome | string> {
  const now = Date.now();
  const kind = messageKindOf(target);
  const ctx = {
    ruleName: service.name,
    serviceName: service.name,
    language: TEST_MESSAGE_LANGUAGE,
    timezone: 'Asia/Shanghai',
    mentions: { users: [], mobiles: [], all: false },
    now: new Date(now),
  };
  // The test group has one alert: one message.
  const [message] = renderDeliveryMessages([{ group: testGroup(new Date(now)), ctx }], kind).messages;
  const outcome = await sendTo(client, storage, target, message.body);
  if (outcome !== OVER_BUDGET) {
    return outcome;
  }
  const seconds = Math.ceil(((await budgetOf(storage, target, now)).freeAt - now) / 1000);
  return language === 'zh-CN'
    ? `为避免触发企业微信频率限制，本次未发送；请在 ${seconds} 秒后重试`
    : `not sent, to stay within WeCom's rate limit; try again in ${seconds}s`;
}

/** Tests every destination of the service, or only those named in `only`. */
export async function testService(
  service: ServiceConfig,
  deps: { storage: Storage; client: WecomClient; apiBase: string; language: Language },
  only?: string[]
): Promise<DestinationResult[]> {
  const results: DestinationResult[] = [];
  for (const [destination, target] of destinationsOf(service, deps.apiBase)) {
    if (only && !only.includes(destination)) {
      continue;
    }
    const outcome = await sendOne(target, service, deps.storage, deps.client, deps.language);
    const base = { destination, kind: target.kind, label: destinationLabel(target) };
    if (typeof outcome === 'string') {
      results.push({ ...base, ok: false, errcode: null, errmsg: outcome, hint: null, invalidRecipients: [] });
      continue;
    }
    const invalidRecipients = outcome.invalidRecipients ?? [];
    results.push({
      ...base,
      ok: outcome.ok && invalidRecipients.length === 0,
      errcode: outcome.errcode,
      errmsg: outcome.errmsg,
      hint: invalidRecipients.length > 0 ? invalidRecipientsHint(invalidRecipients) : answerHints(outcome),
      invalidRecipients,
    });
  }
  return results;
}
