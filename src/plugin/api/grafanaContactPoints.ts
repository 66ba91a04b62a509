/**
 * Grafana's own alerting API for the contact point that posts a rule's alerts to the relay.
 * Grafana 12+ serves contact points as k8s-style "receivers"; older Grafana (or one without that
 * API group) answers 404 there, and the provisioning API does the same job.
 */
import { config } from '@grafana/runtime';
import { grafanaFetch, isNotFound } from './grafanaFetch';

export const RECEIVERS_API_VERSION = 'notifications.alerting.grafana.app/v0alpha1';
export const PROVISIONING_CONTACT_POINTS_URL = '/api/v1/provisioning/contact-points';

/** Grafana's webhook integration settings for the relay (secrets included only when writing). */
export interface WebhookSettings {
  url: string;
  httpMethod: 'POST';
  authorization_scheme: 'Bearer';
  authorization_credentials?: string;
  hmacConfig?: { secret?: string; header: string; timestampHeader: string };
}

/** What a rule's contact point should look like, known without any secret. */
export interface ContactPointTarget {
  title: string;
  url: string;
  hmac: { header: string; timestampHeader: string } | null;
}

/** A contact point found in Grafana, reduced to what the relay cares about. */
export interface FoundContactPoint {
  api: 'k8s' | 'provisioning';
  /** k8s: the receiver's metadata.name; provisioning: the integration uid. */
  id: string;
  title: string;
  integrationUid?: string;
  resourceVersion?: string;
  /** "file" when provisioned from a file: Grafana refuses changes through the API. */
  provenance: string;
  type: string;
  settings: Record<string, unknown>;
  /** Which secure settings hold a value (Grafana never returns the values). */
  secureFields: Record<string, boolean>;
}

export type ContactPointDifference = 'type' | 'url' | 'auth' | 'hmac';

export type ContactPointState =
  { exists: false } | { exists: true; current: boolean; differences: ContactPointDifference[]; readOnly: boolean };

export function contactPointTitle(ruleName: string): string {
  return `WeCom · ${ruleName}`;
}

/** The hook URL as Grafana's server posts to it: the relay URL of the plugin settings plus the rule's hook path. */
export function hookUrl(relayUrl: string, path: string): string {
  return `${relayUrl.replace(/\/+$/, '')}${path}`;
}

/** The settings Grafana stores (and encrypts where secure) for the relay's webhook. */
export function webhookSettings(
  url: string,
  ingestToken: string,
  hmac: { secret: string; header: string; timestampHeader: string } | null
): WebhookSettings {
  return {
    url,
    httpMethod: 'POST',
    authorization_scheme: 'Bearer',
    authorization_credentials: ingestToken,
    ...(hmac
      ? { hmacConfig: { secret: hmac.secret, header: hmac.header, timestampHeader: hmac.timestampHeader } }
      : {}),
  };
}

/** Compares a found contact point with the target. Secrets cannot be read back: only their presence counts. */
export function contactPointState(found: FoundContactPoint | null, target: ContactPointTarget): ContactPointState {
  if (!found) {
    return { exists: false };
  }
  const { settings, secureFields } = found;
  const secretSet = (key: string, value: unknown) =>
    secureFields[key] === true || (typeof value === 'string' && value !== '');
  const hmac = (settings.hmacConfig ?? {}) as Record<string, unknown>;
  const hmacSet = secretSet('hmacConfig.secret', hmac.secret);
  const differences: ContactPointDifference[] = [];
  if (found.type !== 'webhook') {
    differences.push('type');
  }
  if (settings.url !== target.url) {
    differences.push('url');
  }
  const scheme = typeof settings.authorization_scheme === 'string' ? settings.authorization_scheme : '';
  if (
    scheme.toLowerCase() !== 'bearer' ||
    !secretSet('authorization_credentials', settings.authorization_credentials)
  ) {
    differences.push('auth');
  }
  const hmacCurrent = target.hmac
    ? hmacSet && hmac.header === target.hmac.header && (hmac.timestampHeader ?? '') === target.hmac.timestampHeader
    : !hmacSet;
  if (!hmacCurrent) {
    differences.push('hmac');
  }
  return { exists: true, current: differences.length === 0, differences, readOnly: found.provenance === 'file' };
}

/** Grafana's k8s namespace of the user's organization: "default" for org 1, else "org-<id>". */
export function alertingNamespace(): string {
  if (config.namespace) {
    return config.namespace;
  }
  const orgId = config.bootData.user.orgId;
  return orgId === 1 || orgId === undefined ? 'default' : `org-${orgId}`;
}

function receiversUrl(name?: string): string {
  const base = `/apis/${RECEIVERS_API_VERSION}/namespaces/${alertingNamespace()}/receivers`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

interface Receiver {
  metadata: { name: string; namespace?: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec: {
    title: string;
    integrations: Array<{
      uid?: string;
      type: string;
      settings: Record<string, unknown>;
      secureFields?: Record<string, boolean>;
    }>;
  };
}

interface EmbeddedContactPoint {
  uid: string;
  name: string;
  type: string;
  settings: Record<string, unknown>;
  provenance?: string;
}

/** The webhook integration of a receiver when it has one, else its first. */
function mainIntegration<T extends { type: string }>(integrations: T[]): T | undefined {
  return integrations.find((integration) => integration.type === 'webhook') ?? integrations[0];
}

/** Every contact point of the organization: through the receivers API, or the provisioning API where that is missing. */
export async function listContactPoints(): Promise<FoundContactPoint[]> {
  try {
    const list = await grafanaFetch<{ items: Receiver[] }>({ url: receiversUrl() });
    return list.items.map((receiver) => {
      const integration = mainIntegration(receiver.spec.integrations);
      return {
        api: 'k8s' as const,
        id: receiver.metadata.name,
        title: receiver.spec.title,
        integrationUid: integration?.uid,
        resourceVersion: receiver.metadata.resourceVersion,
        provenance: receiver.metadata.annotations?.['grafana.com/provenance'] ?? '',
        type: integration?.type ?? '',
        settings: integration?.settings ?? {},
        secureFields: integration?.secureFields ?? {},
      };
    });
  } catch (error) {
    if (!isNotFound(error)) {
      throw error;
    }
  }
  // One entry per integration here: a contact point is the entries that share its name.
  const points = await grafanaFetch<EmbeddedContactPoint[]>({ url: PROVISIONING_CONTACT_POINTS_URL });
  const names = [...new Set(points.map((point) => point.name))];
  return names.map((name) => {
    const point = mainIntegration(points.filter((candidate) => candidate.name === name))!;
    return {
      api: 'provisioning' as const,
      id: point.uid,
      title: name,
      integrationUid: point.uid,
      provenance: point.provenance ?? '',
      type: point.type,
      settings: point.settings ?? {},
      // The provisioning API shows a set secret as "[REDACTED]" in settings instead.
      secureFields: {},
    };
  });
}

/**
 * Creates the contact point, or replaces the one found, with a single webhook integration.
 * Without X-Disable-Provenance the provisioning API would stamp it "api" and lock it in Grafana's UI.
 */
export async function saveContactPoint(
  title: string,
  settings: WebhookSettings,
  found: FoundContactPoint | null
): Promise<void> {
  const integration = { type: 'webhook', disableResolveMessage: false, settings };
  const useK8s = found ? found.api === 'k8s' : await receiversApiAvailable();
  if (useK8s) {
    const spec = {
      title,
      integrations: [{ ...integration, ...(found?.integrationUid ? { uid: found.integrationUid } : {}) }],
    };
    if (found) {
      await grafanaFetch({
        url: receiversUrl(found.id),
        method: 'PUT',
        data: {
          apiVersion: RECEIVERS_API_VERSION,
          kind: 'Receiver',
          metadata: { name: found.id, namespace: alertingNamespace(), resourceVersion: found.resourceVersion },
          spec,
        },
      });
    } else {
      await grafanaFetch({
        url: receiversUrl(),
        method: 'POST',
        data: {
          apiVersion: RECEIVERS_API_VERSION,
          kind: 'Receiver',
          metadata: { namespace: alertingNamespace() },
          spec,
        },
      });
    }
    return;
  }
  const headers = { 'X-Disable-Provenance': 'true' };
  const body = { name: title, ...integration };
  if (found) {
    await grafanaFetch({
      url: `${PROVISIONING_CONTACT_POINTS_URL}/${encodeURIComponent(found.id)}`,
      method: 'PUT',
      data: { uid: found.id, ...body },
      headers,
    });
  } else {
    await grafanaFetch({ url: PROVISIONING_CONTACT_POINTS_URL, method: 'POST', data: body, headers });
  }
}

async function receiversApiAvailable(): Promise<boolean> {
  try {
    await grafanaFetch({ url: receiversUrl(), params: { limit: '1' } });
    return true;
  } catch (error) {
    if (isNotFound(error)) {
      return false;
    }
    throw error;
  }
}
