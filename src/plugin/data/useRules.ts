import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { t } from '@grafana/i18n';
import { relayApi } from '../api/relay';
import { queryKeys } from './queryKeys';

export function useRules() {
  return useQuery({ queryKey: queryKeys.rules, queryFn: async () => (await relayApi.listRules()).items });
}

export function useRule(uid: string | undefined) {
  return useQuery({
    queryKey: queryKeys.rule(uid ?? ''),
    queryFn: () => relayApi.getRule(uid!),
    enabled: uid !== undefined,
  });
}

/** Creates a rule, or replaces it when `version` (the one edited) is given. */
export function useSaveRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ uid, version, body }: { uid?: string; version?: number; body: unknown }) =>
      uid !== undefined && version !== undefined ? relayApi.updateRule(uid, version, body) : relayApi.createRule(body),
    meta: { success: t('rules.saved', 'Rule saved'), error: t('rules.save-failed', 'Rule not saved') },
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.rules }),
        // A service lists the rules that use it.
        client.invalidateQueries({ queryKey: queryKeys.services }),
      ]),
  });
}

export function useDeleteRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ uid, version }: { uid: string; version: number }) => relayApi.deleteRule(uid, version),
    meta: { success: t('rules.deleted', 'Rule deleted'), error: t('rules.delete-failed', 'Rule not deleted') },
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.rules }),
        client.invalidateQueries({ queryKey: queryKeys.services }),
      ]),
  });
}

/** The relay's own preview of the saved rule, to compare with the browser's. */
export function usePreviewRule() {
  return useMutation({
    mutationFn: ({ uid, sample }: { uid: string; sample: 'firing' | 'resolved' | 'many' | 'test' }) =>
      relayApi.previewRule(uid, { sample }),
    meta: { error: t('rules.preview.relay-failed', 'The relay did not answer the preview') },
  });
}
