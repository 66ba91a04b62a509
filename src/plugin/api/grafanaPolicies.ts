/**
 * Grafana's notification policy tree, read to tell whether alerts are routed to a rule's contact
 * point. Reading it needs a permission not every role has (Grafana answers 403), and a Grafana
 * without the provisioning API answers 404: then the plugin cannot tell.
 */
import { config } from '@grafana/runtime';
import { RelayError } from './relay';
import { grafanaFetch } from './grafanaFetch';

export const PROVISIONING_POLICIES_URL = '/api/v1/provisioning/policies';

/** Grafana's page Alerting → Notification policies. */
export const notificationPoliciesUrl = () => `${config.appSubUrl ?? ''}/alerting/routes`;

/** A policy as Grafana returns it; a nested one without a receiver sends to its parent's. */
export interface PolicyRoute {
  receiver?: string;
  routes?: PolicyRoute[];
}

/** The contact points some policy sends to, by title; the default policy's included. */
export function routedReceivers(route: PolicyRoute): Set<string> {
  const names = new Set<string>();
  const visit = (node: PolicyRoute) => {
    if (node.receiver) {
      names.add(node.receiver);
    }
    node.routes?.forEach(visit);
  };
  visit(route);
  return names;
}

/** The receivers routed to, or null when Grafana does not let this user read the policies (403, 404). */
export async function readRoutedReceivers(): Promise<string[] | null> {
  try {
    return [...routedReceivers(await grafanaFetch<PolicyRoute>({ url: PROVISIONING_POLICIES_URL }))];
  } catch (error) {
    if (error instanceof RelayError && (error.status === 403 || error.status === 404)) {
      return null;
    }
    throw error;
  }
}
