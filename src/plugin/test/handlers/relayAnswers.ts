import type { BackendSrvRequest } from '@grafana/runtime';
import type { Problem } from '../../../core/validation';

/** An error answer shaped as the relay sends it (and as Grafana's proxy hands it on). */
export function relayError(status: number, message: string, problems?: Problem[]) {
  return {
    error: { status, data: { statusCode: status, error: 'Error', message, ...(problems ? { problems } : {}) } },
  };
}

export const invalid = (problems: Problem[]) =>
  relayError(400, `invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);

/**
 * Why the relay refuses to change or delete a stored object: it comes from a file, or the request's
 * If-Match is not the current version. undefined when the change may go ahead.
 */
export function refusedChange(
  kind: 'service' | 'rule',
  uid: string,
  current: { provenance: 'file' | 'api'; version: number },
  request: BackendSrvRequest
) {
  if (current.provenance === 'file') {
    return relayError(
      409,
      `${kind} "${uid}" is provisioned from a file (provenance: file); change the file and reload instead`
    );
  }
  const version = Number(String(request.headers?.['If-Match'] ?? '').replace(/\D/g, ''));
  if (version !== current.version) {
    return relayError(409, `${kind} "${uid}" was changed by someone else (now version ${current.version})`);
  }
  return undefined;
}
