import pino from 'pino';

/** Robot keys and tokens travel in query strings, so URLs anywhere in a log entry lose them. */
const SECRET_PARAMS = /([?&](key|access_token|corpsecret)=)[^&\s"'\\]*/gi;

function scrub(text: string): string {
  return text.replace(SECRET_PARAMS, '$1[REDACTED]');
}

/** A request URL without its query values: a token sent as ?token=… must not reach the log. */
function withoutQueryValues(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? url : `${url.slice(0, at)}?${url.slice(at + 1).replace(/=[^&]*/g, '=[REDACTED]')}`;
}

/** JSON logs; anything that could carry a secret is redacted before it is written. */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: { service: 'wecom-relay' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-grafana-alerting-signature"]',
          'req.headers.cookie',
          ...['secret', 'webhookUrl', 'key', 'token', 'access_token', 'adminToken', 'ingestToken'].flatMap((field) => [
            field,
            `*.${field}`,
          ]),
        ],
        censor: '[REDACTED]',
      },
      serializers: {
        req: (req) => ({ method: req.method, url: withoutQueryValues(String(req.url)) }),
        // An error's message or stack may quote a robot URL.
        err: (error: Error) => JSON.parse(scrub(JSON.stringify(pino.stdSerializers.err(error)))),
      },
    },
    destination
  );
}

export type Logger = pino.Logger;
