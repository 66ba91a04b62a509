import type { DeliveryQuery } from '../api/relay';

/** Query keys, one tree per resource, so a mutation invalidates exactly what it changed. */
export const queryKeys = {
  status: ['status'] as const,
  services: ['services'] as const,
  service: (uid: string) => ['services', uid] as const,
  rules: ['rules'] as const,
  rule: (uid: string) => ['rules', uid] as const,
  deliveries: ['deliveries'] as const,
  deliveryPage: (query: DeliveryQuery) => ['deliveries', 'list', query] as const,
  delivery: (id: number) => ['deliveries', 'detail', id] as const,
  /** The newest deliveries, one page (the overview), apart from the paged log. */
  recentDeliveries: (query: DeliveryQuery) => ['deliveries', 'recent', query] as const,
  contactPoints: ['contact-points'] as const,
  policies: ['notification-policies'] as const,
};
