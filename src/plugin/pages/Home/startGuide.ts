import type { DeliverySummary, RuleView, ServiceView } from '../../../core/api';
import {
  contactPointState,
  type ContactPointState,
  contactPointTitle,
  type FoundContactPoint,
} from '../../api/grafanaContactPoints';
import { contactPointTarget } from '../../data/useContactPoints';

/** "unknown": what the step depends on could not be read (yet). */
export type StepState = 'done' | 'todo' | 'unknown';

export interface RuleConnection {
  rule: RuleView;
  contactPoint: ContactPointState;
}

export interface StartGuide {
  service: { state: StepState; services: ServiceView[] };
  rule: { state: StepState; rules: RuleView[] };
  connect: {
    state: StepState;
    /** Every rule and its contact point, when both are known. */
    connections: RuleConnection[];
    /** The first rule whose contact point is missing or out of date: the one to connect next. */
    next?: RuleView;
  };
  route: {
    state: StepState;
    /** Titles of the rules' contact points that a notification policy sends to. */
    routed: string[];
    /** A rule that real alerts (not a test) have arrived through. */
    deliveredThrough?: RuleView;
    /** false when Grafana did not let this user read the notification policies. */
    policiesReadable: boolean;
  };
}

/** What the guide is decided from; `undefined` where the answer is not known. */
export interface StartGuideInput {
  services?: ServiceView[];
  rules?: RuleView[];
  relayUrl: string;
  contactPoints?: FoundContactPoint[];
  /** Contact point titles the notification policies send to; null when they cannot be read. */
  routedReceivers?: string[] | null;
  recentDeliveries?: DeliverySummary[];
}

/**
 * The start guide in the order a first alert needs it: a service, a rule through it, the rule's
 * contact point in Grafana, and a notification policy that routes alerts to that contact point.
 * Step 4 is done when a policy names the contact point, or, as the plugin may not be allowed to
 * read the policies, when a real alert has arrived through a rule.
 */
export function startGuide(input: StartGuideInput): StartGuide {
  const { services, rules, contactPoints, routedReceivers, recentDeliveries, relayUrl } = input;
  const known = <T>(value: T | undefined, done: (value: T) => boolean): StepState =>
    value === undefined ? 'unknown' : done(value) ? 'done' : 'todo';

  const connections =
    rules && contactPoints
      ? rules.map((rule) => {
          const target = contactPointTarget(rule, relayUrl);
          const found = contactPoints.find((point) => point.title === target.title) ?? null;
          return { rule, contactPoint: contactPointState(found, target) };
        })
      : [];
  const isCurrent = ({ contactPoint }: RuleConnection) => contactPoint.exists && contactPoint.current;
  const connectState: StepState =
    rules?.length === 0 ? 'todo' : known(contactPoints && rules, () => connections.some(isCurrent));

  // Grafana refuses a policy naming a contact point that does not exist: a named one exists.
  const routed = (rules ?? [])
    .map((rule) => contactPointTitle(rule.name))
    .filter((title) => routedReceivers?.includes(title));
  const deliveredThrough = rules?.find((rule) =>
    recentDeliveries?.some((delivery) => !delivery.isTest && delivery.rule === rule.uid)
  );
  const noContactPoint = contactPoints !== undefined && !connections.some(({ contactPoint }) => contactPoint.exists);
  const routeState: StepState =
    routed.length > 0 || deliveredThrough
      ? 'done'
      : rules !== undefined && (rules.length === 0 || noContactPoint || Array.isArray(routedReceivers))
        ? 'todo'
        : 'unknown';

  return {
    service: { state: known(services, (list) => list.length > 0), services: services ?? [] },
    rule: { state: known(rules, (list) => list.length > 0), rules: rules ?? [] },
    connect: {
      state: connectState,
      connections,
      next: connections.find((connection) => !isCurrent(connection))?.rule,
    },
    route: { state: routeState, routed, deliveredThrough, policiesReadable: routedReceivers !== null },
  };
}
