/** From a received group to the deliveries to store: one per destination of the rule's services. */
import crypto from 'node:crypto';
import type { AlertGroup } from '../../core/alert';
import { selectAlerts, sendNotBefore } from '../../core/match';
import type { Catalog, RuleEntry } from '../config/catalog';
import { destinationLabel, destinationsOf } from '../delivery/destinations';
import type { NewDelivery } from '../storage/types';

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

export function planDeliveries(
  group: AlertGroup,
  rule: RuleEntry,
  catalog: Catalog,
  apiBase: string,
  now: Date
): NewDelivery[] {
  const selected = selectAlerts(group, rule.config);
  if (!selected) {
    return [];
  }
  const notBefore = sendNotBefore(selected, rule.config, now);
  const deliveries: NewDelivery[] = [];
  const seen = new Set<string>();
  for (const serviceUid of rule.config.services) {
    const service = catalog.services.get(serviceUid);
    if (!service) {
      continue;
    }
    for (const [destination, resolved] of destinationsOf(service.config, apiBase)) {
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
        group: selected,
        isTest: selected.isTest,
        notBefore,
      });
    }
  }
  return deliveries;
}
