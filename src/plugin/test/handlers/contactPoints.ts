import type { BackendSrvRequest } from '@grafana/runtime';
import { PROVISIONING_CONTACT_POINTS_URL, RECEIVERS_API_VERSION } from '../../api/grafanaContactPoints';
import type { ResourceHandler } from '../backendSrv';

export interface StoredContactPoint {
  /** The receiver's k8s name (Grafana derives it from the title; any stable name does here). */
  name: string;
  title: string;
  integrationUid: string;
  type: string;
  /** Settings with their secrets, as Grafana stores them encrypted. */
  settings: Record<string, any>;
  provenance: '' | 'api' | 'file';
  resourceVersion: number;
}

export interface ContactPointsHandlerOptions {
  /** "provisioning": a Grafana without the receivers API group (it answers 404 there). */
  api?: 'k8s' | 'provisioning';
  contactPoints?: Array<Partial<StoredContactPoint> & Pick<StoredContactPoint, 'title' | 'settings'>>;
}

const RECEIVERS = new RegExp(`^/apis/${RECEIVERS_API_VERSION}/namespaces/([^/]+)/receivers(?:/([^/]+))?$`);
const PROVISIONING = new RegExp(`^${PROVISIONING_CONTACT_POINTS_URL}(?:/([^/]+))?$`);

/** Grafana reads these back only as "set" (k8s secureFields) or "[REDACTED]" (provisioning API). */
function splitSecrets(settings: Record<string, any>) {
  const { authorization_credentials, hmacConfig, ...visible } = settings;
  const secureFields: Record<string, boolean> = {};
  if (authorization_credentials) {
    secureFields.authorization_credentials = true;
  }
  if (hmacConfig) {
    const { secret, ...rest } = hmacConfig;
    visible.hmacConfig = rest;
    if (secret) {
      secureFields['hmacConfig.secret'] = true;
    }
  }
  return { visible, secureFields };
}

function redacted(settings: Record<string, any>) {
  const { visible, secureFields } = splitSecrets(settings);
  return {
    ...visible,
    ...(secureFields.authorization_credentials ? { authorization_credentials: '[REDACTED]' } : {}),
    ...(visible.hmacConfig
      ? {
          hmacConfig: { ...visible.hmacConfig, ...(secureFields['hmacConfig.secret'] ? { secret: '[REDACTED]' } : {}) },
        }
      : {}),
  };
}

const notFound = (message = 'not found') => ({ error: { status: 404, data: { message } } });

/**
 * Grafana's contact point APIs over an in-memory store: the k8s-style receivers API (list, create,
 * replace with resourceVersion, 409 on a stale one) or, on older Grafana, the provisioning API
 * (which stamps provenance "api" unless X-Disable-Provenance is sent). File-provisioned contact
 * points refuse changes. Every request is recorded.
 */
export function contactPointsHandler(options: ContactPointsHandlerOptions = {}) {
  const api = options.api ?? 'k8s';
  const stored = new Map<string, StoredContactPoint>();
  let counter = 0;
  const add = (
    point: Omit<StoredContactPoint, 'name' | 'integrationUid' | 'resourceVersion' | 'provenance'> &
      Partial<StoredContactPoint>
  ) => {
    counter += 1;
    const entry: StoredContactPoint = {
      name: point.name ?? `receiver-${counter}`,
      integrationUid: point.integrationUid ?? `integration-${counter}`,
      resourceVersion: point.resourceVersion ?? 1,
      provenance: point.provenance ?? '',
      ...point,
    };
    stored.set(entry.name, entry);
    return entry;
  };
  for (const point of options.contactPoints ?? []) {
    add({ type: 'webhook', ...point });
  }
  const requests: BackendSrvRequest[] = [];

  function receiver(point: StoredContactPoint, namespace: string) {
    const { visible, secureFields } = splitSecrets(point.settings);
    return {
      apiVersion: RECEIVERS_API_VERSION,
      kind: 'Receiver',
      metadata: {
        name: point.name,
        namespace,
        resourceVersion: String(point.resourceVersion),
        annotations: { 'grafana.com/provenance': point.provenance },
      },
      spec: {
        title: point.title,
        integrations: [{ uid: point.integrationUid, type: point.type, settings: visible, secureFields }],
      },
    };
  }

  const receivers = (request: BackendSrvRequest, namespace: string, name: string | undefined) => {
    const method = request.method ?? 'GET';
    if (method === 'GET' && !name) {
      return { data: { items: [...stored.values()].map((point) => receiver(point, namespace)) } };
    }
    const integration = request.data?.spec?.integrations?.[0];
    if (method === 'POST' && !name) {
      const entry = add({ title: request.data.spec.title, type: integration.type, settings: integration.settings });
      return { status: 201, data: receiver(entry, namespace) };
    }
    const current = name ? stored.get(decodeURIComponent(name)) : undefined;
    if (!current) {
      return notFound();
    }
    if (method === 'GET') {
      return { data: receiver(current, namespace) };
    }
    if (current.provenance === 'file') {
      return { error: { status: 409, data: { message: 'the receiver is provisioned and cannot be changed' } } };
    }
    if (request.data?.metadata?.resourceVersion !== String(current.resourceVersion)) {
      return { error: { status: 409, data: { message: 'the object has been modified' } } };
    }
    const entry = {
      ...current,
      title: request.data.spec.title,
      type: integration.type,
      settings: integration.settings,
      resourceVersion: current.resourceVersion + 1,
    };
    stored.set(entry.name, entry);
    return { data: receiver(entry, namespace) };
  };

  const provisioning = (request: BackendSrvRequest, uid: string | undefined) => {
    const method = request.method ?? 'GET';
    const provenance = request.headers?.['X-Disable-Provenance'] !== undefined ? '' : 'api';
    const embedded = (point: StoredContactPoint) => ({
      uid: point.integrationUid,
      name: point.title,
      type: point.type,
      settings: redacted(point.settings),
      disableResolveMessage: false,
      provenance: point.provenance,
    });
    if (method === 'GET') {
      const name = request.params?.name;
      return { data: [...stored.values()].filter((point) => !name || point.title === name).map(embedded) };
    }
    if (method === 'POST') {
      const entry = add({
        title: request.data.name,
        type: request.data.type,
        settings: request.data.settings,
        provenance,
      });
      return { status: 202, data: embedded(entry) };
    }
    const current = [...stored.values()].find((point) => point.integrationUid === uid);
    if (!current) {
      return notFound('contact point not found');
    }
    if (current.provenance === 'file') {
      return { error: { status: 409, data: { message: 'cannot change a provisioned contact point' } } };
    }
    stored.set(current.name, {
      ...current,
      title: request.data.name,
      type: request.data.type,
      settings: request.data.settings,
      provenance,
    });
    return { status: 202, data: { message: 'contactpoint updated' } };
  };

  const handler: ResourceHandler = (request) => {
    const k8s = RECEIVERS.exec(request.url);
    if (k8s) {
      requests.push(request);
      return api === 'k8s' ? receivers(request, k8s[1], k8s[2]) : notFound('404 page not found');
    }
    const legacy = PROVISIONING.exec(request.url);
    if (legacy) {
      requests.push(request);
      return provisioning(request, legacy[1] && decodeURIComponent(legacy[1]));
    }
    return undefined;
  };

  return { handler, stored, requests };
}
