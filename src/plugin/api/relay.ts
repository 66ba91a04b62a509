import { lastValueFrom } from 'rxjs';
import { config, getBackendSrv, isFetchError } from '@grafana/runtime';
import type {
  ApiErrorBody,
  ContactPointSpec,
  DeliveryDetail,
  DeliveryPage,
  DeliverySummary,
  PreviewResult,
  RelayStatus,
  RuleView,
  ServiceTestResult,
  ServiceView,
} from '../../core/api';
import type { DeliveryStatus } from '../../core/delivery-states';
import type { Problem } from '../../core/validation';
import { RELAY_PROXY_URL } from '../constants';

export type RelayErrorKind =
  /** Grafana has no route for /relay: plugin.json changed and Grafana was not restarted. */
  | 'no-route'
  /** The app is not enabled in this organization (or not installed). */
  | 'not-enabled'
  /** The user's Grafana role may not use this route (plugin.json reqRole). */
  | 'forbidden'
  /** The relay refused the admin token. */
  | 'unauthorized'
  /** Grafana could not reach the relay at the saved URL. */
  | 'unreachable'
  /** The request did not reach Grafana, or no answer came back. */
  | 'network'
  /** Any other HTTP error. */
  | 'http';

export class RelayError extends Error {
  constructor(
    readonly kind: RelayErrorKind,
    readonly status: number | undefined,
    readonly detail: string | undefined,
    /** Per-field problems of a 400 answer (path as in the request body, e.g. robots[0].webhookUrl). */
    readonly problems: Problem[] = []
  ) {
    super(detail ?? kind);
    this.name = 'RelayError';
  }
}

export interface RelayRequest {
  /** Path under the relay's /api/v1, e.g. "/services". */
  path: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  data?: unknown;
  params?: Record<string, string | number | undefined>;
  /** The version the change was made against; sent as If-Match so a concurrent edit answers 409. */
  version?: number;
}

/** The relay answers (errors, errcode hints) in Chinese or English: the one the Grafana user reads. */
export function relayLanguage(): 'zh-CN' | 'en' {
  return config.bootData.user.language?.startsWith('zh') ? 'zh-CN' : 'en';
}

/** One call to the relay's admin API through Grafana's plugin proxy; errors become RelayError. */
export async function relayRequest<T>({ path, method = 'GET', data, params, version }: RelayRequest): Promise<T> {
  const query = Object.fromEntries(
    Object.entries(params ?? {}).filter(([, value]) => value !== undefined && value !== '')
  );
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({
        url: `${RELAY_PROXY_URL}${path}`,
        method,
        data,
        params: query,
        headers: {
          'Accept-Language': relayLanguage(),
          ...(version === undefined ? {} : { 'If-Match': `"${version}"` }),
        },
        showErrorAlert: false,
        showSuccessAlert: false,
      })
    );
    return response.data;
  } catch (error) {
    throw toRelayError(error);
  }
}

export function toRelayError(error: unknown): RelayError {
  if (error instanceof RelayError) {
    return error;
  }
  if (!isFetchError(error)) {
    return new RelayError('network', undefined, error instanceof Error ? error.message : undefined);
  }
  const status = error.status;
  const detail = messageOf(error.data) ?? error.statusText ?? undefined;
  const text = (detail ?? '').toLowerCase();
  if (status === 404 && text.includes('plugin route match not found')) {
    return new RelayError('no-route', status, detail);
  }
  if ((status === 404 || status === 412) && (text.includes('plugin not found') || text.includes('not enabled'))) {
    return new RelayError('not-enabled', status, detail);
  }
  if (status === 403) {
    return new RelayError('forbidden', status, detail);
  }
  if (status === 401) {
    return new RelayError('unauthorized', status, detail);
  }
  if (status === 502 || status === 504) {
    return new RelayError('unreachable', status, detail);
  }
  if (!status) {
    return new RelayError('network', undefined, detail);
  }
  const problems = (error.data as Partial<ApiErrorBody> | undefined)?.problems;
  return new RelayError('http', status, detail, Array.isArray(problems) ? problems : []);
}

function messageOf(data: unknown): string | undefined {
  if (typeof data === 'string' && data.trim() !== '') {
    return data.trim().slice(0, 500);
  }
  if (data && typeof data === 'object') {
    const record = data as Record<string, unknown>;
    for (const key of ['message', 'error']) {
      if (typeof record[key] === 'string' && record[key] !== '') {
        return record[key];
      }
    }
  }
  return undefined;
}

/** The admin API, one function per endpoint. Bodies are what core's schemas accept. */
export const relayApi = {
  status: () => relayRequest<RelayStatus>({ path: '/status' }),

  listServices: () => relayRequest<{ items: ServiceView[] }>({ path: '/services' }),
  getService: (uid: string) => relayRequest<ServiceView>({ path: `/services/${encodeURIComponent(uid)}` }),
  createService: (body: unknown) => relayRequest<ServiceView>({ path: '/services', method: 'POST', data: body }),
  updateService: (uid: string, version: number, body: unknown) =>
    relayRequest<ServiceView>({ path: `/services/${encodeURIComponent(uid)}`, method: 'PUT', data: body, version }),
  deleteService: (uid: string, version: number) =>
    relayRequest<void>({ path: `/services/${encodeURIComponent(uid)}`, method: 'DELETE', version }),
  testService: (uid: string, destination?: string) =>
    relayRequest<ServiceTestResult>({
      path: `/services/${encodeURIComponent(uid)}/test`,
      method: 'POST',
      data: destination ? { destination } : {},
    }),

  listRules: () => relayRequest<{ items: RuleView[] }>({ path: '/rules' }),
  getRule: (uid: string) => relayRequest<RuleView>({ path: `/rules/${encodeURIComponent(uid)}` }),
  createRule: (body: unknown) => relayRequest<RuleView>({ path: '/rules', method: 'POST', data: body }),
  updateRule: (uid: string, version: number, body: unknown) =>
    relayRequest<RuleView>({ path: `/rules/${encodeURIComponent(uid)}`, method: 'PUT', data: body, version }),
  deleteRule: (uid: string, version: number) =>
    relayRequest<void>({ path: `/rules/${encodeURIComponent(uid)}`, method: 'DELETE', version }),
  previewRule: (uid: string, body: unknown) =>
    relayRequest<PreviewResult>({ path: `/rules/${encodeURIComponent(uid)}/preview`, method: 'POST', data: body }),
  /** Non-GET on purpose: the answer carries the ingest token, which only Editors and Admins may receive. */
  contactPointSpec: (uid: string) =>
    relayRequest<ContactPointSpec>({
      path: `/rules/${encodeURIComponent(uid)}/contact-point`,
      method: 'POST',
      data: {},
    }),

  listDeliveries: (query: DeliveryQuery) => relayRequest<DeliveryPage>({ path: '/deliveries', params: { ...query } }),
  getDelivery: (id: number) => relayRequest<DeliveryDetail>({ path: `/deliveries/${id}` }),
  retryDelivery: (id: number) =>
    relayRequest<DeliverySummary>({ path: `/deliveries/${id}/retry`, method: 'POST', data: {} }),
};

/** GET /deliveries filters; `cursor` is the previous page's nextCursor. */
export interface DeliveryQuery {
  status?: DeliveryStatus;
  rule?: string;
  service?: string;
  destination?: string;
  since?: string;
  until?: string;
  cursor?: number;
  limit?: number;
}
