/**
 * Grafana's contact points, in memory, behind its two APIs: the k8s-style receivers API
 * (/apis/notifications.alerting.grafana.app/v0alpha1/namespaces/default/receivers) and the
 * provisioning API (/api/v1/provisioning/contact-points). Secure settings are kept apart and only
 * their presence is shown (secureFields; "[REDACTED]" in the provisioning API), as Grafana does.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';

/** The webhook integration's secure settings (Grafana's schema marks them Secure). */
const SECURE_WEBHOOK_FIELDS = [
  'password',
  'authorization_credentials',
  'hmacConfig.secret',
  'tlsConfig.caCertificate',
  'tlsConfig.clientCertificate',
  'tlsConfig.clientKey',
];

export interface Integration {
  uid: string;
  type: string;
  disableResolveMessage: boolean;
  /** The settings with the secure ones in place: what Grafana's notifier uses. */
  settings: Record<string, unknown>;
}

interface Receiver {
  title: string;
  resourceVersion: number;
  provenance: string;
  integrations: Integration[];
}

export interface PolicyRoute {
  receiver?: string;
  group_by?: string[];
  object_matchers?: Array<[string, string, string]>;
  routes?: PolicyRoute[];
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

function getPath(object: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);
}

function setPath(object: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let target = object;
  for (const key of keys.slice(0, -1)) {
    target[key] = { ...((target[key] as Record<string, unknown>) ?? {}) };
    target = target[key] as Record<string, unknown>;
  }
  if (value === undefined) {
    delete target[keys[keys.length - 1]];
  } else {
    target[keys[keys.length - 1]] = value;
  }
}

const isSet = (value: unknown) => typeof value === 'string' && value !== '';

/** The settings as the API shows them: secure values removed (k8s) or "[REDACTED]" (provisioning). */
function shownSettings(settings: Record<string, unknown>, redacted: boolean) {
  const shown = structuredClone(settings);
  const secureFields: Record<string, boolean> = {};
  for (const field of SECURE_WEBHOOK_FIELDS) {
    if (isSet(getPath(settings, field))) {
      secureFields[field] = true;
      setPath(shown, field, redacted ? '[REDACTED]' : undefined);
    }
  }
  return { settings: shown, secureFields };
}

/** New settings; a secure value not sent is kept when secureFields says so, as Grafana does. */
function mergedSettings(
  sent: Record<string, unknown>,
  secureFields: Record<string, boolean> | undefined,
  previous: Record<string, unknown> | undefined
): Record<string, unknown> {
  const settings = structuredClone(sent ?? {});
  for (const field of SECURE_WEBHOOK_FIELDS) {
    const value = getPath(settings, field);
    if (value === '[REDACTED]' || (!isSet(value) && secureFields?.[field])) {
      setPath(settings, field, previous ? getPath(previous, field) : undefined);
    }
  }
  return settings;
}

const receiverName = (title: string) => Buffer.from(title).toString('base64url');

export class ContactPoints {
  private readonly receivers = new Map<string, Receiver>();
  /** Off: the receivers API answers 404, as in a Grafana without it (the provisioning API remains). */
  receiversApi = true;
  /** The notification policy tree (GET/PUT /api/v1/provisioning/policies); a new Grafana sends everything to email. */
  policies: PolicyRoute = { receiver: 'grafana-default-email', group_by: ['grafana_folder', 'alertname'] };

  /** The stored contact point, secrets included (what Grafana's notifier sends with). */
  find(title: string): Integration[] | undefined {
    return this.receivers.get(title)?.integrations;
  }

  /** The answer to a request for one of the two APIs, or null when the path is neither. `canWrite`: an Editor or Admin. */
  handle(
    request: { method: string; path: string; query: URLSearchParams; body: any; headers: http.IncomingHttpHeaders },
    canWrite: boolean
  ): ApiAnswer | null {
    const { method, path, query, body, headers } = request;
    const answer = this.route(method, path, query, body, headers);
    if (answer && method !== 'GET' && !canWrite) {
      return { status: 403, body: { message: 'You do not have permission to change contact points' } };
    }
    return answer === null ? null : answer();
  }

  /** The request's handler, not yet run: a refused write must change nothing. */
  private route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: any,
    headers: http.IncomingHttpHeaders
  ): (() => ApiAnswer) | null {
    const k8s = path.match(
      /^\/apis\/notifications\.alerting\.grafana\.app\/v0alpha1\/namespaces\/([^/]+)\/receivers(?:\/([^/]+))?$/
    );
    if (k8s) {
      if (!this.receiversApi || k8s[1] !== 'default') {
        return () => ({
          status: 404,
          body: {
            kind: 'Status',
            status: 'Failure',
            message: 'the server could not find the requested resource',
            code: 404,
          },
        });
      }
      return () => this.k8s(method, k8s[2] && decodeURIComponent(k8s[2]), body);
    }
    if (path === '/api/v1/provisioning/policies' && (method === 'GET' || method === 'PUT')) {
      return () => {
        if (method === 'PUT') {
          this.policies = body;
        }
        return method === 'GET'
          ? { status: 200, body: this.policies }
          : { status: 202, body: { message: 'policies updated' } };
      };
    }
    const provisioning = path.match(/^\/api\/v1\/provisioning\/contact-points(?:\/([^/]+))?$/);
    if (provisioning) {
      const provenance = headers['x-disable-provenance'] === undefined ? 'api' : '';
      return () =>
        this.provisioning(method, provisioning[1] && decodeURIComponent(provisioning[1]), query, body, provenance);
    }
    return null;
  }

  private view(receiver: Receiver) {
    return {
      apiVersion: 'notifications.alerting.grafana.app/v0alpha1',
      kind: 'Receiver',
      metadata: {
        name: receiverName(receiver.title),
        namespace: 'default',
        resourceVersion: String(receiver.resourceVersion),
        annotations: { 'grafana.com/provenance': receiver.provenance || 'none' },
      },
      spec: {
        title: receiver.title,
        integrations: receiver.integrations.map((integration) => ({
          uid: integration.uid,
          type: integration.type,
          version: 'v1',
          disableResolveMessage: integration.disableResolveMessage,
          ...shownSettings(integration.settings, false),
        })),
      },
    };
  }

  private integrationsFrom(sent: any[], previous: Integration[] = []): Integration[] {
    return (sent ?? []).map((integration: any) => {
      const before = previous.find((old) => old.uid === integration.uid);
      return {
        uid: before?.uid ?? integration.uid ?? randomUUID().slice(0, 14),
        type: String(integration.type),
        disableResolveMessage: Boolean(integration.disableResolveMessage),
        settings: mergedSettings(integration.settings, integration.secureFields, before?.settings),
      };
    });
  }

  private k8s(method: string, name: string | undefined, body: any): ApiAnswer {
    const byName =
      name === undefined ? undefined : [...this.receivers.values()].find((r) => receiverName(r.title) === name);
    const status = (code: number, message: string) => ({
      status: code,
      body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code },
    });
    if (method === 'GET' && name === undefined) {
      return {
        status: 200,
        body: {
          apiVersion: 'notifications.alerting.grafana.app/v0alpha1',
          kind: 'ReceiverList',
          metadata: {},
          items: [...this.receivers.values()].map((r) => this.view(r)),
        },
      };
    }
    if (method === 'GET') {
      return byName ? { status: 200, body: this.view(byName) } : status(404, `receivers "${name}" not found`);
    }
    if (method === 'POST' && name === undefined) {
      const title = body?.spec?.title;
      if (typeof title !== 'string' || title === '') {
        return status(400, 'spec.title is required');
      }
      if (this.receivers.has(title)) {
        return status(409, `receivers "${receiverName(title)}" already exists`);
      }
      const receiver: Receiver = {
        title,
        resourceVersion: 1,
        provenance: '',
        integrations: this.integrationsFrom(body.spec.integrations),
      };
      this.receivers.set(title, receiver);
      return { status: 201, body: this.view(receiver) };
    }
    if (method === 'PUT' && byName) {
      if (byName.provenance === 'file') {
        return status(409, 'provisioned resources cannot be changed through the API');
      }
      if (
        body?.metadata?.resourceVersion !== undefined &&
        body.metadata.resourceVersion !== String(byName.resourceVersion)
      ) {
        return status(
          409,
          'the object has been modified; please apply your changes to the latest version and try again'
        );
      }
      byName.integrations = this.integrationsFrom(body?.spec?.integrations, byName.integrations);
      byName.resourceVersion += 1;
      return { status: 200, body: this.view(byName) };
    }
    return name !== undefined && !byName
      ? status(404, `receivers "${name}" not found`)
      : status(405, 'method not allowed');
  }

  private embedded(receiver: Receiver) {
    return receiver.integrations.map((integration) => ({
      uid: integration.uid,
      name: receiver.title,
      type: integration.type,
      settings: shownSettings(integration.settings, true).settings,
      disableResolveMessage: integration.disableResolveMessage,
      provenance: receiver.provenance,
    }));
  }

  private provisioning(
    method: string,
    uid: string | undefined,
    query: URLSearchParams,
    body: any,
    provenance: string
  ): ApiAnswer {
    if (method === 'GET' && uid === undefined) {
      const name = query.get('name');
      const points = [...this.receivers.values()]
        .filter((r) => !name || r.title === name)
        .flatMap((r) => this.embedded(r));
      return { status: 200, body: points };
    }
    if (method === 'POST' && uid === undefined) {
      if (typeof body?.name !== 'string' || body.name === '' || typeof body.type !== 'string') {
        return { status: 400, body: { message: 'invalid object specification: name and type are required' } };
      }
      const [integration] = this.integrationsFrom([body]);
      const receiver = this.receivers.get(body.name);
      if (receiver) {
        receiver.integrations.push(integration);
        receiver.resourceVersion += 1;
      } else {
        this.receivers.set(body.name, {
          title: body.name,
          resourceVersion: 1,
          provenance,
          integrations: [integration],
        });
      }
      const stored = this.receivers.get(body.name)!;
      return { status: 202, body: this.embedded(stored).find((point) => point.uid === integration.uid) };
    }
    const receiver = [...this.receivers.values()].find((r) => r.integrations.some((i) => i.uid === uid));
    if (method === 'PUT' && uid !== undefined) {
      if (!receiver) {
        return { status: 404, body: { message: 'contact point not found' } };
      }
      const index = receiver.integrations.findIndex((i) => i.uid === uid);
      [receiver.integrations[index]] = this.integrationsFrom([{ ...body, uid }], receiver.integrations);
      receiver.resourceVersion += 1;
      return { status: 202, body: { message: 'contactpoint updated' } };
    }
    return { status: 405, body: { message: 'method not allowed' } };
  }
}
