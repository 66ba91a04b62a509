/** Calls to Grafana's own HTTP API (not the relay's), with Grafana's errors as the pages show them. */
import { lastValueFrom } from 'rxjs';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { RelayError, toRelayError } from './relay';

export interface GrafanaRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  data?: unknown;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

export async function grafanaFetch<T>(request: GrafanaRequest): Promise<T> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({ ...request, showErrorAlert: false, showSuccessAlert: false })
    );
    return response.data;
  } catch (error) {
    throw grafanaError(error);
  }
}

/** Grafana's own answer, as the error the pages already show (kind "http": its message is shown as is). */
function grafanaError(error: unknown): RelayError {
  if (!isFetchError(error)) {
    return toRelayError(error);
  }
  const data = error.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' && data.message !== '' ? data.message : error.statusText;
  return new RelayError('http', error.status, `Grafana ${error.status}: ${message ?? ''}`.trim());
}

export const isNotFound = (error: unknown) => error instanceof RelayError && error.status === 404;
