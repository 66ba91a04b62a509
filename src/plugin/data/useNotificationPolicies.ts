import { useQuery } from '@tanstack/react-query';
import { readRoutedReceivers } from '../api/grafanaPolicies';
import { queryKeys } from './queryKeys';

/** Titles of the contact points Grafana's notification policies send to; null when this user cannot read them. */
export function useRoutedReceivers() {
  return useQuery({ queryKey: queryKeys.policies, queryFn: readRoutedReceivers });
}
