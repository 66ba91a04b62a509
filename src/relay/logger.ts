import pino from 'pino';

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
          '*.secret',
          '*.webhookUrl',
          '*.key',
          '*.token',
          '*.access_token',
          '*.adminToken',
          '*.ingestToken',
        ],
        censor: '[REDACTED]',
      },
      serializers: {
        // Robot keys and tokens travel in query strings; never log one.
        req: (req) => ({ method: req.method, url: String(req.url).replace(/([?&](key|access_token|corpsecret)=)[^&]*/gi, '$1[REDACTED]') }),
      },
    },
    destination
  );
}

export type Logger = pino.Logger;
