import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { t } from '@grafana/i18n';
import type { RuleView } from '../../core/api';
import {
  contactPointState,
  contactPointTitle,
  type FoundContactPoint,
  hookUrl,
  listContactPoints,
  saveContactPoint,
  webhookSettings,
  type ContactPointTarget,
} from '../api/grafanaContactPoints';
import { relayApi } from '../api/relay';
import { queryKeys } from './queryKeys';

/** What the rule's contact point must be; known from the rule and the plugin's relay URL, without any secret. */
export function contactPointTarget(rule: RuleView, relayUrl: string): ContactPointTarget {
  return {
    title: contactPointTitle(rule.name),
    url: hookUrl(relayUrl, rule.hooks.grafana),
    hmac: rule.hmac ? { header: rule.hmac.header, timestampHeader: rule.hmac.timestampHeader } : null,
  };
}

/** The organization's contact points in Grafana; any role may read them. */
export function useContactPoints() {
  return useQuery({ queryKey: queryKeys.contactPoints, queryFn: listContactPoints });
}

/** The rule's contact point in Grafana and whether it is current. */
export function useContactPoint(target: ContactPointTarget) {
  const query = useContactPoints();
  const found = query.data && (query.data.find((point) => point.title === target.title) ?? null);
  return { ...query, data: found, state: found === undefined ? undefined : contactPointState(found, target) };
}

/**
 * Creates or updates the contact point. The ingest token comes from the relay in a non-GET call
 * (Editors and Admins only) and goes straight into Grafana, which encrypts it; it is kept nowhere else.
 */
export function useConnectContactPoint() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({
      rule,
      relayUrl,
      found,
    }: {
      rule: RuleView;
      relayUrl: string;
      found: FoundContactPoint | null;
    }) => {
      const spec = await relayApi.contactPointSpec(rule.uid);
      const settings = webhookSettings(hookUrl(relayUrl, spec.path), spec.ingestToken, spec.hmac);
      await saveContactPoint(contactPointTitle(rule.name), settings, found);
    },
    meta: {
      success: t('contact-point.saved', 'Contact point saved in Grafana'),
      error: t('contact-point.save-failed', 'Contact point not saved'),
    },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.contactPoints }),
  });
}
