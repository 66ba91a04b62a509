import type { BackendSrvRequest } from '@grafana/runtime';
import type { DestinationResult, ServiceTestResult, ServiceView } from '../../../core/api';
import { DEFAULT_API_BASE, robotKeyOf, serviceSchema, type ServiceConfig } from '../../../core/config';
import { serviceProblems, validate } from '../../../core/validation';
import { RELAY_PROXY_URL } from '../../constants';
import type { ResourceHandler } from '../backendSrv';
import { invalid, refusedChange, relayError } from './relayAnswers';

export interface StoredService {
  config: ServiceConfig;
  provenance: 'file' | 'api';
  version: number;
  /** uids of the rules that send through it. */
  usedBy: string[];
}

export interface ServicesHandlerOptions {
  services?: Array<{ config: unknown; provenance?: 'file' | 'api'; usedBy?: string[] }>;
  /** What WeCom answers a test send to a destination; ok for every destination by default. */
  testAnswer?: (
    destination: Omit<DestinationResult, 'ok' | 'errcode' | 'errmsg' | 'hint' | 'invalidRecipients'>
  ) => Partial<DestinationResult>;
}

const PATH = new RegExp(`^${RELAY_PROXY_URL}/services(?:/([^/]+))?(/test)?$`);
const TIME = '2026-12-01T08:00:00.000Z';

const robotDestination = (key: string) => `robot:${key.slice(-4)}`;
const appDestination = (app: { corpId: string; agentId: number }) => `app:${app.corpId}:${app.agentId}`;

function parse(body: unknown): ServiceConfig | { problems: Array<{ path: string; message: string }> } {
  const result = validate(serviceSchema, body);
  if (!result.ok) {
    return { problems: result.problems };
  }
  const problems = serviceProblems(result.value, DEFAULT_API_BASE);
  return problems.length > 0 ? { problems } : result.value;
}

function keyOf(webhookUrl: string): string {
  const result = robotKeyOf(webhookUrl, DEFAULT_API_BASE);
  return 'key' in result ? result.key : '';
}

/**
 * The relay's /services endpoints over an in-memory catalog: validation with core's schemas (400
 * with problems), write-only secrets kept on update, versions (409 on a stale If-Match), read-only
 * provisioned services and deletes blocked by rules (409), and a test send per destination.
 */
export function servicesHandler(options: ServicesHandlerOptions = {}) {
  const stored = new Map<string, StoredService>();
  for (const service of options.services ?? []) {
    const config = serviceSchema.parse(service.config);
    stored.set(config.uid, {
      config,
      provenance: service.provenance ?? 'api',
      version: 1,
      usedBy: service.usedBy ?? [],
    });
  }
  const tests: Array<{ uid: string; destination?: string }> = [];

  function view({ config, provenance, version, usedBy }: StoredService): ServiceView {
    const { app, robots, ...rest } = config;
    return {
      ...rest,
      robots: robots.map((robot) => ({
        destination: robotDestination(keyOf(robot.webhookUrl)),
        groups: robot.groups,
        webhookUrlSet: true,
      })),
      app:
        app &&
        (({ secret, ...visible }) => ({ ...visible, destination: appDestination(app), secretSet: secret !== '' }))(app),
      usedBy,
      provenance,
      version,
      createdAt: TIME,
      updatedAt: TIME,
    };
  }

  /** Robots named by their destination keep their key; an app without a secret keeps its secret. */
  function withKeptSecrets(body: Record<string, any>, current: ServiceConfig): Record<string, any> {
    const urls = new Map(current.robots.map((robot) => [robotDestination(keyOf(robot.webhookUrl)), robot.webhookUrl]));
    return {
      ...body,
      // As the relay does: the destination names the robot whose key to keep, then goes (strict schema).
      robots: (body.robots ?? []).map(({ destination, ...robot }: Record<string, any>) =>
        !robot.webhookUrl && urls.has(destination) ? { ...robot, webhookUrl: urls.get(destination) } : robot
      ),
      app: body.app && !body.app.secret && current.app ? { ...body.app, secret: current.app.secret } : body.app,
    };
  }

  function destinationsOf(config: ServiceConfig) {
    const robots = config.robots.map((robot) => ({
      destination: robotDestination(keyOf(robot.webhookUrl)),
      kind: 'robot' as const,
      label: robot.groups || 'robot',
    }));
    const app = config.app
      ? [
          {
            destination: `app:${config.app.corpId}:${config.app.agentId}`,
            kind: 'app' as const,
            label: config.app.accounts.join('|'),
          },
        ]
      : [];
    return [...robots, ...app];
  }

  const handler: ResourceHandler = (request: BackendSrvRequest) => {
    const match = PATH.exec(request.url);
    if (!match) {
      return undefined;
    }
    const method = request.method ?? 'GET';
    const uid = match[1] && decodeURIComponent(match[1]);
    const current = uid ? stored.get(uid) : undefined;
    if (!uid) {
      if (method === 'GET') {
        return { data: { items: [...stored.values()].map(view) } };
      }
      const config = parse(request.data);
      if ('problems' in config) {
        return invalid(config.problems);
      }
      if (stored.has(config.uid)) {
        return relayError(409, `service "${config.uid}" already exists`);
      }
      const entry = { config, provenance: 'api' as const, version: 1, usedBy: [] };
      stored.set(config.uid, entry);
      return { status: 201, data: view(entry) };
    }
    if (!current) {
      return relayError(404, `no service "${uid}"`);
    }
    if (match[2]) {
      tests.push({ uid, destination: request.data?.destination });
      const results = destinationsOf(current.config)
        .filter((target) => !request.data?.destination || target.destination === request.data.destination)
        .map((target) => ({
          ...target,
          ok: true,
          errcode: 0,
          errmsg: 'ok',
          hint: null,
          invalidRecipients: [],
          ...options.testAnswer?.(target),
        }));
      const answer: ServiceTestResult = { ok: results.every((result) => result.ok), results };
      return { data: answer };
    }
    if (method === 'GET') {
      return { data: view(current) };
    }
    const refusal = refusedChange('service', uid, current, request);
    if (refusal) {
      return refusal;
    }
    if (method === 'DELETE') {
      if (current.usedBy.length > 0) {
        return relayError(
          409,
          `service "${uid}" is used by rule(s) ${current.usedBy.join(', ')}; remove it from them first`
        );
      }
      stored.delete(uid);
      return { status: 204, data: undefined };
    }
    const config = parse(withKeptSecrets({ ...request.data, uid: request.data?.uid ?? uid }, current.config));
    if ('problems' in config) {
      return invalid(config.problems);
    }
    const entry = { ...current, config, version: current.version + 1 };
    stored.set(uid, entry);
    return { data: view(entry) };
  };

  /** The services as the relay lists them, e.g. for the rules handler. */
  const views = () => [...stored.values()].map(view);

  return { handler, stored, tests, views };
}
