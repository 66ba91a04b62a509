/**
 * Makes the stored services and rules match the provisioning files, in one transaction.
 * Objects from files are marked provenance "file"; file objects no longer in any file are
 * removed, as are those listed under deleteServices / deleteRules. Nothing changes when any
 * problem is found.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Catalog } from '../config/catalog';
import type { ObjectChange } from '../storage/types';
import { ProvisioningError, type LocalizedProblem, type Provisioned } from './load';

export interface ApplySummary {
  changed: number;
  removed: number;
  unchanged: number;
}

export async function applyProvisioning(provisioned: Provisioned, catalog: Catalog): Promise<ApplySummary> {
  const changes: ObjectChange[] = [];
  const summary: ApplySummary = { changed: 0, removed: 0, unchanged: 0 };
  const kinds = [
    {
      kind: 'service' as const,
      items: provisioned.services,
      current: catalog.services,
      deletions: provisioned.deleteServices,
    },
    { kind: 'rule' as const, items: provisioned.rules, current: catalog.rules, deletions: provisioned.deleteRules },
  ];
  const finalUids = { service: new Set<string>(), rule: new Set<string>() };

  for (const { kind, items, current, deletions } of kinds) {
    const inFiles = new Set(items.map((item) => item.uid));
    for (const item of items) {
      finalUids[kind].add(item.uid);
      const existing = current.get(item.uid);
      if (existing && existing.provenance === 'file' && isDeepStrictEqual(existing.config, item)) {
        summary.unchanged++;
        continue;
      }
      changes.push(catalog.putChange(kind, item, 'file'));
      summary.changed++;
    }
    for (const [uid, entry] of current) {
      const dropped = entry.provenance === 'file' && !inFiles.has(uid);
      if ((dropped || deletions.includes(uid)) && !inFiles.has(uid)) {
        changes.push({ op: 'delete', kind, uid });
        summary.removed++;
      } else {
        finalUids[kind].add(uid);
      }
    }
  }

  const problems: LocalizedProblem[] = [];
  const finalRules = new Map([...catalog.rules].map(([uid, entry]) => [uid, entry.config]));
  for (const rule of provisioned.rules) {
    finalRules.set(rule.uid, rule);
  }
  for (const [uid, rule] of finalRules) {
    if (!finalUids.rule.has(uid)) {
      continue;
    }
    const origin = provisioned.ruleOrigins.get(uid);
    rule.services.forEach((serviceUid, index) => {
      if (!finalUids.service.has(serviceUid)) {
        problems.push({
          path: origin ? `${origin}.services[${index}]` : `rule ${uid}`,
          text: {
            en: `uses service "${serviceUid}", which would no longer exist`,
            'zh-CN': `使用的通知服务 "${serviceUid}" 将不再存在`,
          },
        });
      }
    });
  }
  if (problems.length > 0) {
    throw new ProvisioningError(problems);
  }
  if (changes.length > 0) {
    await catalog.write(changes);
  }
  return summary;
}
