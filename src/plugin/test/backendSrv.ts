import type { RelayStatus } from '../../core/api';
import { of, throwError } from 'rxjs';
import { type BackendSrv, type BackendSrvRequest, type FetchError, setBackendSrv } from '@grafana/runtime';

export type FetchHandler = (request: BackendSrvRequest) => { status?: number; data?: unknown } | FetchErrorLike;

export interface FetchErrorLike {
  error: { status: number; statusText?: string; data?: unknown };
}

/** A handler for one resource's endpoints: undefined when the request is not its own. */
export type ResourceHandler = (request: BackendSrvRequest) => ReturnType<FetchHandler> | undefined;

/**
 * One fetch handler from per-resource handlers (test/handlers/*): the first that answers wins;
 * a request nobody answers is a 404, as the relay would say it.
 */
export function combineHandlers(...handlers: ResourceHandler[]): FetchHandler {
  return (request) => {
    for (const handler of handlers) {
      const answer = handler(request);
      if (answer) {
        return answer;
      }
    }
    return { error: { status: 404, data: { message: `no handler for ${request.method ?? 'GET'} ${request.url}` } } };
  };
}

/**
 * Replaces Grafana's backendSrv with one whose fetch() answers from `handler`; nothing else of
 * Grafana is mocked. Return `{ data }` for a 2xx answer or `{ error: { status, data } }` for a
 * failed one (shaped like Grafana's FetchError).
 */
export function mockBackendSrvFetch(handler: FetchHandler) {
  const fetch = jest.fn((request: BackendSrvRequest) => {
    const answer = handler(request);
    if ('error' in answer) {
      const error: FetchError = { data: undefined, config: request, ...answer.error };
      return throwError(() => error);
    }
    const status = answer.status ?? 200;
    return of({
      data: answer.data,
      status,
      statusText: 'OK',
      ok: status >= 200 && status < 300,
      headers: new Headers(),
      redirected: false,
      type: 'basic' as ResponseType,
      url: request.url,
      config: request,
    });
  });
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return fetch;
}

/** A `GET /api/v1/status` answer as the relay gives it. */
export const RELAY_STATUS: RelayStatus = {
  version: '1.2.3',
  uptimeSeconds: 3600,
  storage: { kind: 'sqlite', ok: true },
  queue: { pending: 4, failed: 1, oldestPendingSeconds: 30 },
  wecomApiBase: 'https://qyapi.weixin.qq.com',
  egressIp: '203.0.113.7',
  provisioning: '/etc/wecom-relay',
  provisioningRefused: null,
  egressProxy: { url: null, source: null },
  services: 2,
  rules: 3,
};
