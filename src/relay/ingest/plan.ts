/** From a received group to what to store: deliveries to send, or trace entries saying why not. */
import crypto from 'node:crypto';
import type { AlertGroup } from '../../core/alert';
import type { Language } from '../../core/config';
import { rejectionOf, selectAlerts, sendNotBefore, type Rejection } from '../../core/match';
import type { Catalog, RuleEntry } from '../config/catalog';
import { destinationLabel } from '../delivery/destinations';
import type { DeliveryReason, NewDelivery } from '../storage/types';

type Text = Record<Language, string>;

export type IngestPlan =
  /** Deliveries to send; `heldUntil` when quiet hours hold them. */
  | { action: 'send'; deliveries: NewDelivery[]; heldUntil: number | null }
  /** Nothing to send: the group is logged as skipped, once per destination, with the reason. */
  | { action: 'skip'; reason: Extract<DeliveryReason, 'rule_disabled' | 'no_match'>; why: Text; deliveries: NewDelivery[] };

/**
 * Identifies a group state: the same alerts in the same states, posted again (Grafana HA peers,
 * Alertmanager resends), have the same key.
 */
export function dedupKey(ruleUid: string, group: AlertGroup): string {
  const alerts = group.alerts
    .map((alert) => [alert.fingerprint, alert.status, alert.startsAt, alert.endsAt].join('|'))
    .sort();
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([ruleUid, group.source, group.groupKey, group.isTest, alerts]))
    .digest('hex');
}

/** One delivery of the group per destination of the rule's services. */
function perDestination(group: AlertGroup, rule: RuleEntry, catalog: Catalog, notBefore: number) {
  const deliveries: NewDelivery[] = [];
  const seen = new Set<string>();
  for (const serviceUid of rule.config.services) {
    const service = catalog.services.get(serviceUid);
    if (!service) {
      continue;
    }
    for (const [destination, resolved] of service.destinations) {
      if (seen.has(destination)) {
        continue;
      }
      seen.add(destination);
      deliveries.push({
        ruleUid: rule.config.uid,
        serviceUid,
        destination,
        kind: resolved.kind,
        label: destinationLabel(resolved),
        group,
        isTest: group.isTest,
        notBefore,
      });
    }
  }
  return deliveries;
}

function rejectionText(rejection: Rejection): Text {
  switch (rejection.filter) {
    case 'sendResolved':
      return { en: 'resolved, and the rule has sendResolved: false', 'zh-CN': '已恢复，而规则设置了 sendResolved: false' };
    case 'statuses':
      return { en: `${rejection.status}, not in match.statuses`, 'zh-CN': `状态为 ${rejection.status}，不在 match.statuses 中` };
    case 'severities':
      return rejection.severity
        ? {
            en: `severity "${rejection.severity}" is not in match.severities`,
            'zh-CN': `级别 "${rejection.severity}" 不在 match.severities 中`,
          }
        : {
            en: 'no severity label (severity, level or priority), and the rule filters on match.severities',
            'zh-CN': '没有级别标签（severity、level 或 priority），而规则按 match.severities 过滤',
          };
    case 'matchers': {
      const { label, op, value } = rejection.matcher;
      const matcher = `${label}${op}"${value}"`;
      return { en: `does not match ${matcher}`, 'zh-CN': `不满足匹配条件 ${matcher}` };
    }
  }
}

/** Why the rule's filters left no alert of the group, counted per reason. */
export function whyNothingMatched(group: AlertGroup, rule: RuleEntry): Text {
  const counts = new Map<string, { text: Text; count: number }>();
  for (const alert of group.alerts) {
    const rejection = rejectionOf(alert, rule.config);
    if (rejection) {
      const text = rejectionText(rejection);
      const entry = counts.get(text.en) ?? { text, count: 0 };
      entry.count++;
      counts.set(text.en, entry);
    }
  }
  const entries = [...counts.values()];
  return {
    en: `no alert of this group matches the rule: ${entries.map(({ text, count }) => `${count} alert(s) ${text.en}`).join('; ')}`,
    'zh-CN': `该组告警没有一条匹配规则：${entries.map(({ text, count }) => `${count} 条${text['zh-CN']}`).join('；')}`,
  };
}

export function planIngest(group: AlertGroup, rule: RuleEntry, catalog: Catalog, now: Date): IngestPlan {
  if (!rule.config.enabled) {
    return {
      action: 'skip',
      reason: 'rule_disabled',
      why: {
        en: `rule "${rule.config.uid}" is disabled`,
        'zh-CN': `通知规则 "${rule.config.uid}" 已停用`,
      },
      deliveries: perDestination(group, rule, catalog, now.getTime()),
    };
  }
  const selected = selectAlerts(group, rule.config);
  if (!selected) {
    return {
      action: 'skip',
      reason: 'no_match',
      why: whyNothingMatched(group, rule),
      deliveries: perDestination(group, rule, catalog, now.getTime()),
    };
  }
  const notBefore = sendNotBefore(selected, rule.config, now);
  const held = notBefore > now.getTime();
  const deliveries = perDestination(selected, rule, catalog, notBefore).map((delivery) =>
    held ? { ...delivery, reason: 'quiet_hours' as const } : delivery
  );
  return { action: 'send', deliveries, heldUntil: held ? notBefore : null };
}
