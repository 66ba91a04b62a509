/**
 * One log line per request, when it is answered. Webhooks and probes that succeed log at debug:
 * in an incident thousands of webhooks arrive each second, and the Docker healthcheck alone would
 * write thousands of lines a day. A refused webhook logs at warn (its alerts are lost until the
 * sender is fixed), other refusals at info, and every 5xx at warn.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

const QUIET_WHEN_OK = /^\/(hooks\/|healthz$|readyz$|metrics$)/;

export function requestLogLevel(route: string | undefined, statusCode: number): 'debug' | 'info' | 'warn' {
  const isHook = route?.startsWith('/hooks/') ?? false;
  if (statusCode >= 500 || (statusCode >= 400 && isHook)) {
    return 'warn';
  }
  if (statusCode >= 400) {
    return 'info';
  }
  return route !== undefined && QUIET_WHEN_OK.test(route) ? 'debug' : 'info';
}

/** Replaces fastify's two lines per request (incoming, completed) with that one. */
export class RequestLog extends LogController {
  incomingRequest(): void {}

  requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    request.log[requestLogLevel(request.routeOptions.url, reply.statusCode)](
      { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime },
      'request completed'
    );
  }
}
