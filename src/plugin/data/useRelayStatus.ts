import { useQuery } from '@tanstack/react-query';
import { relayApi } from '../api/relay';
import { queryKeys } from './queryKeys';

/** The relay's status; `enabled: false` (relay not configured) loads nothing. */
export function useRelayStatus(enabled = true) {
  return useQuery({ queryKey: queryKeys.status, queryFn: relayApi.status, enabled });
}
