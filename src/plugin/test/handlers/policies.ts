import type { BackendSrvRequest } from '@grafana/runtime';
import { PROVISIONING_POLICIES_URL, type PolicyRoute } from '../../api/grafanaPolicies';
import type { ResourceHandler } from '../backendSrv';

export interface PoliciesHandlerOptions {
  /** Grafana's notification policy tree; the default policy to "grafana-default-email" alone by default. */
  tree?: PolicyRoute;
  /** 403: the user's role may not read the policies; 404: a Grafana without this API. */
  refuse?: 403 | 404;
}

/** Grafana's GET /api/v1/provisioning/policies. Every request is recorded. */
export function policiesHandler(options: PoliciesHandlerOptions = {}) {
  const state = { tree: options.tree ?? { receiver: 'grafana-default-email', routes: [] }, refuse: options.refuse };
  const requests: BackendSrvRequest[] = [];
  const handler: ResourceHandler = (request) => {
    if (request.url !== PROVISIONING_POLICIES_URL) {
      return undefined;
    }
    requests.push(request);
    if (state.refuse) {
      return {
        error: {
          status: state.refuse,
          data: { message: state.refuse === 403 ? 'You do not have permission' : 'Not found' },
        },
      };
    }
    return { data: state.tree };
  };
  return { handler, state, requests };
}
