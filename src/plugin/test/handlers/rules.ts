import type { BackendSrvRequest } from '@grafana/runtime';
import { config as grafanaConfig } from '@grafana/runtime';
import type { ContactPointSpec, PreviewResult, RuleView, ServiceView } from '../../../core/api';
import { ruleSchema, type RuleConfig } from '../../../core/config';
import { templateError } from '../../../core/render';
import { validate, type Problem } from '../../../core/validation';
import { RELAY_PROXY_URL } from '../../constants';
import { messageKindsOf, renderPreview, type PreviewSample } from '../../pages/Rules/preview/renderPreview';
import type { ResourceHandler } from '../backendSrv';
import { invalid, refusedChange, relayError } from './relayAnswers';

export interface StoredRule {
  config: RuleConfig;
  provenance: 'file' | 'api';
  version: number;
}

export interface RulesHandlerOptions {
  rules?: Array<{ config: unknown; provenance?: 'file' | 'api' }>;
  /** The services the relay knows, for checking a rule's services and rendering its preview. */
  services?: () => ServiceView[];
  ingestToken?: string;
  /** Changes the relay's preview answer, e.g. to make it differ from the browser's. */
  alterPreview?: (result: PreviewResult) => PreviewResult;
}

const PATH = new RegExp(`^${RELAY_PROXY_URL}/rules(?:/([^/]+))?(?:/(preview|contact-point))?$`);
const TIME = '2026-12-01T08:00:00.000Z';

/**
 * The relay's /rules endpoints over an in-memory catalog, as the relay answers them: core's schema
 * (400 with problems), unknown services and bad templates refused, the HMAC secret write-only and
 * kept when omitted, versions (409 on a stale If-Match), provisioned rules read-only (409), the
 * preview rendered by core, and the contact point spec (with the ingest token) refused to a Viewer
 * the way Grafana's proxy route refuses a non-GET call below Editor.
 */
export function rulesHandler(options: RulesHandlerOptions = {}) {
  const services = options.services ?? (() => []);
  const stored = new Map<string, StoredRule>();
  for (const rule of options.rules ?? []) {
    const config = ruleSchema.parse(rule.config);
    stored.set(config.uid, { config, provenance: rule.provenance ?? 'api', version: 1 });
  }
  const ingestToken = options.ingestToken ?? 'ingest-token-0123456789';
  const specRequests: string[] = [];

  function view({ config, provenance, version }: StoredRule): RuleView {
    const { hmac, ...rest } = config;
    return {
      ...rest,
      hmac: hmac && { header: hmac.header, timestampHeader: hmac.timestampHeader, secretSet: hmac.secret !== '' },
      hooks: { grafana: `/hooks/grafana/${config.uid}`, alertmanager: `/hooks/alertmanager/${config.uid}` },
      provenance,
      version,
      createdAt: TIME,
      updatedAt: TIME,
    };
  }

  function parse(body: Record<string, any>, current?: RuleConfig): RuleConfig | Problem[] {
    const merged =
      current?.hmac && body.hmac && !body.hmac.secret
        ? { ...body, hmac: { ...body.hmac, secret: current.hmac.secret } }
        : body;
    const result = validate(ruleSchema, merged);
    if (!result.ok) {
      return result.problems;
    }
    const known = new Set(services().map((service) => service.uid));
    const problems: Problem[] = result.value.services
      .map((uid, index) => ({ uid, index }))
      .filter(({ uid }) => !known.has(uid))
      .map(({ uid, index }) => ({ path: `services[${index}]`, message: `no service "${uid}"` }));
    const template = result.value.template && templateError(result.value.template);
    if (template) {
      problems.push({ path: 'template', message: template });
    }
    return problems.length > 0 ? problems : result.value;
  }

  function preview(rule: RuleConfig, sample: PreviewSample): PreviewResult {
    const used = services().filter((service) => rule.services.includes(service.uid));
    const rendered = renderPreview(rule, messageKindsOf(used), sample);
    const destinations = used.flatMap((service) => {
      const robots = service.robots.map((robot) => ({
        destination: robot.destination ?? '',
        kind: 'robot' as const,
        label: robot.groups || 'robot',
        messageKind: 'robot-markdown' as const,
      }));
      const app = service.app
        ? [
            {
              destination: `app:${service.app.corpId}:${service.app.agentId}`,
              kind: 'app' as const,
              label: service.app.accounts.join('|'),
              messageKind: `app-${service.app.msgType}` as const,
            },
          ]
        : [];
      return [...robots, ...app].flatMap((target) => {
        const kind = rendered.kinds.find((candidate) => candidate.kind === target.messageKind);
        return kind
          ? [{ ...target, service: service.uid, limit: kind.limit, messages: kind.messages, companion: kind.companion }]
          : [];
      });
    });
    const result: PreviewResult = {
      alerts: rendered.alerts,
      matched: rendered.matched,
      ...(rendered.matched === 0 ? { note: 'no alert matches this rule: nothing would be sent' } : {}),
      destinations,
    };
    return options.alterPreview ? options.alterPreview(result) : result;
  }

  const handler: ResourceHandler = (request: BackendSrvRequest) => {
    const match = PATH.exec(request.url);
    if (!match) {
      return undefined;
    }
    const method = request.method ?? 'GET';
    const uid = match[1] && decodeURIComponent(match[1]);
    const action = match[2];
    if (method !== 'GET' && grafanaConfig.bootData.user.orgRole === 'Viewer') {
      return relayError(403, 'Forbidden');
    }
    if (!uid) {
      if (method === 'GET') {
        return { data: { items: [...stored.values()].map(view) } };
      }
      const config = parse(request.data ?? {});
      if (Array.isArray(config)) {
        return invalid(config);
      }
      if (stored.has(config.uid)) {
        return relayError(409, `rule "${config.uid}" already exists; PUT /rules/${config.uid} changes it`);
      }
      const entry: StoredRule = { config, provenance: 'api', version: 1 };
      stored.set(config.uid, entry);
      return { status: 201, data: view(entry) };
    }
    const current = stored.get(uid);
    if (!current) {
      return relayError(404, `no rule "${uid}"`);
    }
    if (action === 'preview') {
      return { data: preview(current.config, (request.data?.sample ?? 'firing') as PreviewSample) };
    }
    if (action === 'contact-point') {
      specRequests.push(uid);
      const { hmac } = current.config;
      const spec: ContactPointSpec = { rule: uid, path: `/hooks/grafana/${uid}`, ingestToken, hmac: hmac ?? null };
      return { data: spec };
    }
    if (method === 'GET') {
      return { data: view(current) };
    }
    const refusal = refusedChange('rule', uid, current, request);
    if (refusal) {
      return refusal;
    }
    if (method === 'DELETE') {
      stored.delete(uid);
      return { status: 204, data: undefined };
    }
    const config = parse({ ...request.data, uid: request.data?.uid ?? uid }, current.config);
    if (Array.isArray(config)) {
      return invalid(config);
    }
    const entry = { ...current, config, version: current.version + 1 };
    stored.set(uid, entry);
    return { data: view(entry) };
  };

  return { handler, stored, specRequests };
}
