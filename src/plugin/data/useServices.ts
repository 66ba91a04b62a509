import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { t } from '@grafana/i18n';
import { relayApi } from '../api/relay';
import { queryKeys } from './queryKeys';

export function useServices() {
  return useQuery({ queryKey: queryKeys.services, queryFn: async () => (await relayApi.listServices()).items });
}

export function useService(uid: string | undefined) {
  return useQuery({
    queryKey: queryKeys.service(uid ?? ''),
    queryFn: () => relayApi.getService(uid!),
    enabled: uid !== undefined,
  });
}

/** Creates a service, or replaces it when `version` (the one edited) is given. */
export function useSaveService() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ uid, version, body }: { uid?: string; version?: number; body: unknown }) =>
      uid !== undefined && version !== undefined
        ? relayApi.updateService(uid, version, body)
        : relayApi.createService(body),
    meta: { success: t('services.saved', 'Service saved'), error: t('services.save-failed', 'Service not saved') },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.services }),
  });
}

export function useDeleteService() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ uid, version }: { uid: string; version: number }) => relayApi.deleteService(uid, version),
    meta: { success: t('services.deleted', 'Service deleted'), error: t('services.delete-failed', 'Service not deleted') },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.services }),
  });
}

/** A real test message to the service's destinations (or one of them); the result is per destination. */
export function useTestService() {
  return useMutation({
    mutationFn: ({ uid, destination }: { uid: string; destination?: string }) =>
      relayApi.testService(uid, destination),
    meta: { error: t('services.test-failed', 'Test not sent') },
  });
}
