import type { RelayStatus } from '../../../core/api';
import { RELAY_PROXY_URL } from '../../constants';
import { RELAY_STATUS } from '../backendSrv';
import type { ResourceHandler } from '../backendSrv';
import { relayError } from './relayAnswers';

export interface StatusHandlerOptions {
  status?: Partial<RelayStatus>;
  /** false: Grafana's proxy cannot reach the relay and answers 502 to every relay call. */
  reachable?: boolean;
}

/**
 * The relay's GET /status, and the relay going away: while `state.reachable` is false every call
 * under the proxy route gets Grafana's 502, so put this handler before the other relay handlers.
 */
export function statusHandler(options: StatusHandlerOptions = {}) {
  const state = { status: { ...RELAY_STATUS, ...options.status }, reachable: options.reachable ?? true };
  const handler: ResourceHandler = (request) => {
    if (!request.url.startsWith(`${RELAY_PROXY_URL}/`)) {
      return undefined;
    }
    if (!state.reachable) {
      return relayError(502, 'Bad Gateway');
    }
    return request.url === `${RELAY_PROXY_URL}/status` ? { data: state.status } : undefined;
  };
  return { handler, state };
}
