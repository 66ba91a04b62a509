import { useContactPoints } from '../../data/useContactPoints';
import { useRecentDeliveries } from '../../data/useDeliveries';
import { useRoutedReceivers } from '../../data/useNotificationPolicies';
import { useRules } from '../../data/useRules';
import { useServices } from '../../data/useServices';
import { startGuide } from './startGuide';

/** Deliveries looked at for a real alert that came through a rule (step 4). */
const DELIVERIES_CHECKED = 100;

/** The start guide from the relay's services, rules and deliveries and Grafana's contact points and policies. */
export function useStartGuide(relayUrl: string) {
  const services = useServices();
  const rules = useRules();
  const contactPoints = useContactPoints();
  const routedReceivers = useRoutedReceivers();
  const deliveries = useRecentDeliveries({ limit: DELIVERIES_CHECKED });
  const guide = startGuide({
    relayUrl,
    services: services.data,
    rules: rules.data,
    contactPoints: contactPoints.data,
    routedReceivers: routedReceivers.data,
    recentDeliveries: deliveries.data,
  });
  return {
    guide,
    /** Why a step cannot tell (the query that failed), per step. */
    errors: {
      service: services.error,
      rule: rules.error,
      connect: rules.error ?? contactPoints.error,
      route: rules.error ?? routedReceivers.error ?? (routedReceivers.data === null ? deliveries.error : null),
    },
    loading: {
      service: services.isLoading,
      rule: rules.isLoading,
      connect: rules.isLoading || contactPoints.isLoading,
      route: routedReceivers.isLoading || deliveries.isLoading,
    },
  };
}
