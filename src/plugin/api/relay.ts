import { lastValueFrom } from 'rxjs';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import type { RelayStatus } from '../../core/api';
import { RELAY_PROXY_URL } from '../constants';

export type { RelayStatus };

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
      getBackendSrv().fetch<RelayStatus>({
        url: `${RELAY_PROXY_URL}/status`,
        method: 'GET',
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
