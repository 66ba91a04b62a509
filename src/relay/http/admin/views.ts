/**
 * What the admin API shows of services and rules: everything but secrets, which are write-only
 * (a view says whether each is set). And the reverse: an update that omits a secret keeps it.
 */
import type { RuleView, ServiceView } from '../../../core/api';
import { robotKeyOf, type RuleConfig, type ServiceConfig } from '../../../core/config';
import type { Entry } from '../../config/catalog';
import { appDestination, robotDestination } from '../../delivery/destinations';

function meta<T>(entry: Entry<T>) {
  return {
    provenance: entry.provenance,
    version: entry.version,
    createdAt: new Date(entry.createdAt).toISOString(),
    updatedAt: new Date(entry.updatedAt).toISOString(),
  };
}

/** Names a robot without its key: the hash the delivery log uses as its destination. */
function robotDestinationOf(webhookUrl: string, apiBase: string): string | null {
  const result = robotKeyOf(webhookUrl, apiBase);
  return 'key' in result ? robotDestination(result.key) : null;
}

export function serviceView(entry: Entry<ServiceConfig>, usedBy: string[], apiBase: string): ServiceView {
  const { robots, app, ...rest } = entry.config;
  return {
    ...rest,
    robots: robots.map((robot) => ({
      destination: robotDestinationOf(robot.webhookUrl, apiBase),
      groups: robot.groups,
      webhookUrlSet: robot.webhookUrl !== '',
    })),
    app:
      app &&
      (({ secret, ...visible }) => ({ destination: appDestination(app), ...visible, secretSet: secret !== '' }))(app),
    usedBy,
    ...meta(entry),
  };
}

/** Where Grafana and Alertmanager post the rule's alerts, on the relay. */
export function hookPaths(ruleUid: string) {
  return { grafana: `/hooks/grafana/${ruleUid}`, alertmanager: `/hooks/alertmanager/${ruleUid}` };
}

export function ruleView(entry: Entry<RuleConfig>): RuleView {
  const { hmac, ...rest } = entry.config;
  return {
    ...rest,
    hmac: hmac && { header: hmac.header, timestampHeader: hmac.timestampHeader, secretSet: hmac.secret !== '' },
    hooks: hookPaths(entry.config.uid),
    ...meta(entry),
  };
}

type Json = Record<string, any>;

/**
 * Fills in the secrets an update left out from the stored config. A robot keeps its webhook URL
 * when it names its `destination` (as the view shows it), never by position: after a robot is
 * removed or the list reordered, a position would hand one group's key to another.
 */
export function keepServiceSecrets(body: Json, current: ServiceConfig | undefined, apiBase: string): Json {
  if (!current || typeof body !== 'object' || body === null) {
    return body;
  }
  const urls = new Map(
    current.robots.map((robot) => [robotDestinationOf(robot.webhookUrl, apiBase), robot.webhookUrl])
  );
  urls.delete(null);
  const robots = Array.isArray(body.robots)
    ? body.robots.map((robot: Json) =>
        robot && typeof robot === 'object' && !robot.webhookUrl && urls.has(robot.destination)
          ? { ...robot, webhookUrl: urls.get(robot.destination) }
          : robot
      )
    : body.robots;
  const app =
    body.app && typeof body.app === 'object' && !body.app.secret && current.app
      ? { ...body.app, secret: current.app.secret }
      : body.app;
  return { ...body, robots, app };
}

/** The read-only fields a view carries (destination, webhookUrlSet, secretSet), dropped before strict validation. */
export function withoutViewFields(body: Json): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return body;
  }
  const strip = (value: unknown, fields: string[]) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).filter(([key]) => !fields.includes(key)))
      : value;
  const result: Json = { ...body };
  if (Array.isArray(body.robots)) {
    result.robots = body.robots.map((robot: unknown) => strip(robot, ['destination', 'webhookUrlSet']));
  }
  if ('app' in body) {
    result.app = strip(body.app, ['destination', 'secretSet']);
  }
  if ('hmac' in body) {
    result.hmac = strip(body.hmac, ['secretSet']);
  }
  return result;
}

export function keepRuleSecrets(body: Json, current: RuleConfig | undefined): Json {
  if (
    !current?.hmac ||
    typeof body !== 'object' ||
    body === null ||
    !body.hmac ||
    typeof body.hmac !== 'object' ||
    body.hmac.secret
  ) {
    return body;
  }
  return { ...body, hmac: { ...body.hmac, secret: current.hmac.secret } };
}
