/**
 * Grafana's backendSrv over the browser's fetch: Observables of FetchResponse, and errors shaped as
 * FetchError (status, data, config) so that isFetchError() recognises them, as in Grafana.
 */
import { Observable, lastValueFrom } from 'rxjs';
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';

function requestUrl(options: BackendSrvRequest): string {
  const url = new URL(options.url, window.location.origin + '/');
  for (const [key, value] of Object.entries(options.params ?? {})) {
    if (value !== undefined && value !== null) {
      url.searchParams.set(key, String(value));
    }
  }
  return url.toString();
}

function requestBody(data: unknown): { body?: BodyInit; contentType?: string } {
  if (data === undefined || data === null) {
    return {};
  }
  if (typeof data === 'string' || data instanceof FormData || data instanceof Blob) {
    return { body: data };
  }
  return { body: JSON.stringify(data), contentType: 'application/json' };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') {
    return undefined;
  }
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    return JSON.parse(text);
  }
  return text;
}

function fetchObservable<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable<FetchResponse<T>>((subscriber) => {
    const abort = new AbortController();
    const { body, contentType } = requestBody(options.data);
    const headers: Record<string, string> = { 'X-Grafana-Org-Id': '1', ...options.headers };
    if (contentType && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = contentType;
    }
    fetch(requestUrl(options), { method: options.method ?? 'GET', headers, body, signal: abort.signal })
      .then(async (response) => {
        const data = await readBody(response);
        if (!response.ok) {
          const error: FetchError = { status: response.status, statusText: response.statusText, data, config: options };
          subscriber.error(error);
          return;
        }
        subscriber.next({
          data: data as T,
          status: response.status,
          statusText: response.statusText,
          ok: response.ok,
          headers: response.headers,
          redirected: response.redirected,
          type: response.type,
          url: response.url,
          config: options,
        });
        subscriber.complete();
      })
      .catch((cause: unknown) => {
        if (abort.signal.aborted) {
          return;
        }
        const error: FetchError = {
          status: 0,
          statusText: cause instanceof Error ? cause.message : String(cause),
          data: undefined,
          config: options,
        };
        subscriber.error(error);
      });
    return () => abort.abort();
  });
}

export function createBackendSrv(): BackendSrv {
  const request = <T>(options: BackendSrvRequest) => lastValueFrom(fetchObservable<T>(options)).then((r) => r.data);
  const withData =
    (method: string) =>
    <T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>) =>
      request<T>({ ...options, url, method, data });
  return {
    fetch: fetchObservable,
    request,
    datasourceRequest: (options: BackendSrvRequest) => lastValueFrom(fetchObservable(options)),
    get: <T>(
      url: string,
      params?: Record<string, unknown>,
      _requestId?: string,
      options?: Partial<BackendSrvRequest>
    ) => request<T>({ ...options, url, params }),
    delete: withData('DELETE'),
    post: withData('POST'),
    patch: withData('PATCH'),
    put: withData('PUT'),
  } as BackendSrv;
}
