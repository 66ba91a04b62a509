import { lastValueFrom } from 'rxjs';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { RELAY_PROXY_URL } from '../constants';

/**
 * `GET /api/v1/status` as the relay answers it (design.md: version, storage, queue depth, egress IP
 * if known). Read defensively: every field is optional, and the queue and storage may be given as
 * objects or as plain values.
 */
export interface RelayStatusResponse {
  version?: string;
  storage?: string | { kind?: string; ok?: boolean; ready?: boolean };
  /** null when the storage is unavailable. */
  queue?: number | null | { pending?: number; depth?: number; failed?: number; oldestPendingSeconds?: number | null };
  queueDepth?: number;
  egressIp?: string | null;
  /** Number of notification services (通知服务) and rules (通知规则). */
  services?: number;
  rules?: number;
}

/** The relay status as the plugin shows it. */
export interface RelayStatus {
  version: string | null;
  /** Storage kind, e.g. "sqlite" or "postgres". */
  storage: string | null;
  /** Whether the relay reports its storage reachable; null when it does not say. */
  storageOk: boolean | null;
  /** Deliveries waiting to be sent. */
  queueDepth: number | null;
  /** Deliveries that ended as failed. */
  failed: number | null;
  egressIp: string | null;
  /** Number of notification services (通知服务). */
  services: number | null;
  /** Number of notification rules (通知规则). */
  rules: number | null;
}

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
    readonly detail: string | undefined
  ) {
    super(detail ?? kind);
    this.name = 'RelayError';
  }
}

export async function fetchRelayStatus(): Promise<RelayStatus> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<RelayStatusResponse>({
        url: `${RELAY_PROXY_URL}/status`,
        method: 'GET',
        showErrorAlert: false,
        showSuccessAlert: false,
      })
    );
    return normalizeStatus(response.data);
  } catch (error) {
    throw toRelayError(error);
  }
}

export function normalizeStatus(data: RelayStatusResponse | null | undefined): RelayStatus {
  const body = data ?? {};
  const storage = body.storage;
  const queue = body.queue;
  return {
    version: typeof body.version === 'string' && body.version !== '' ? body.version : null,
    storage: typeof storage === 'string' ? storage : (storage?.kind ?? null),
    storageOk: typeof storage === 'object' && storage !== null ? (storage.ok ?? storage.ready ?? null) : null,
    queueDepth:
      typeof queue === 'number'
        ? queue
        : (queue?.pending ?? queue?.depth ?? (typeof body.queueDepth === 'number' ? body.queueDepth : null)),
    failed: typeof queue === 'object' && queue !== null ? (queue.failed ?? null) : null,
    egressIp: body.egressIp || null,
    services: typeof body.services === 'number' ? body.services : null,
    rules: typeof body.rules === 'number' ? body.rules : null,
  };
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
  return new RelayError('http', status, detail);
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
