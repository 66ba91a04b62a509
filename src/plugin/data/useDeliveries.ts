import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { dateMath, dateTime } from '@grafana/data';
import { t } from '@grafana/i18n';
import { type DeliveryQuery, relayApi } from '../api/relay';
import { queryKeys } from './queryKeys';

/**
 * A time bound as the page keeps it (Grafana's relative `now-24h`, ms since epoch, or ISO-8601) as
 * the relay takes it. Relative bounds resolve when the page is fetched, so a refresh moves with the
 * clock; anything else goes to the relay as written, which names a bad value in its 400 answer.
 */
export function resolveTimeBound(raw: string | undefined, roundUp: boolean, now = Date.now()): string | undefined {
  if (!raw?.startsWith('now')) {
    return raw;
  }
  const time = dateMath.parseDateMath(raw.slice('now'.length), dateTime(now), roundUp);
  return time?.isValid() ? String(time.valueOf()) : raw;
}

/**
 * The delivery log, newest first, a page at a time (server-side cursor: only the pages shown are
 * fetched). `since`/`until` may be relative (`now-1h`).
 */
export function useDeliveries(query: Omit<DeliveryQuery, 'cursor'>, options: { refetchInterval?: number | false } = {}) {
  return useInfiniteQuery({
    queryKey: queryKeys.deliveryPage(query),
    queryFn: ({ pageParam }) =>
      relayApi.listDeliveries({
        ...query,
        since: resolveTimeBound(query.since, false),
        until: resolveTimeBound(query.until, true),
        cursor: pageParam,
      }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: options.refetchInterval,
  });
}

/** The newest deliveries matching `query`, one page of at most `limit`. */
export function useRecentDeliveries(query: Omit<DeliveryQuery, 'cursor'>) {
  return useQuery({
    queryKey: queryKeys.recentDeliveries(query),
    queryFn: async () => (await relayApi.listDeliveries(query)).items,
  });
}

export function useDelivery(id: number | undefined, options: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: queryKeys.delivery(id ?? 0),
    queryFn: () => relayApi.getDelivery(id!),
    enabled: id !== undefined,
    refetchInterval: options.refetchInterval,
  });
}

export function useRetryDelivery() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => relayApi.retryDelivery(id),
    meta: { success: t('deliveries.retried', 'Queued again'), error: t('deliveries.retry-failed', 'Not queued') },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.deliveries }),
  });
}
