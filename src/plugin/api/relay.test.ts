import { normalizeStatus, RelayError, toRelayError } from './relay';
import { checkRelayUrl, normalizeRelayUrl } from './settings';

describe('normalizeStatus', () => {
  test('reads storage and queue given as objects', () => {
    expect(
      normalizeStatus({
        version: '1.0.0',
        storage: { kind: 'postgres', ok: false },
        queue: { pending: 12, failed: 3, oldestPendingSeconds: 1 },
        egressIp: '198.51.100.1',
        services: 2,
        rules: 5,
      })
    ).toEqual({
      version: '1.0.0',
      storage: 'postgres',
      storageOk: false,
      queueDepth: 12,
      failed: 3,
      egressIp: '198.51.100.1',
      services: 2,
      rules: 5,
    });
  });

  test('reads storage and queue given as plain values, and tolerates missing fields', () => {
    expect(normalizeStatus({ storage: 'sqlite', queue: 0 })).toEqual({
      version: null,
      storage: 'sqlite',
      storageOk: null,
      queueDepth: 0,
      failed: null,
      egressIp: null,
      services: null,
      rules: null,
    });
    expect(normalizeStatus({ storage: { kind: 'sqlite', ok: false }, queue: null }).queueDepth).toBeNull();
    expect(normalizeStatus({ queueDepth: 5 }).queueDepth).toBe(5);
    expect(normalizeStatus(undefined).version).toBeNull();
  });
});

describe('toRelayError', () => {
  const fetchError = (status: number, data: unknown) => ({ status, data, config: { url: 'x' } });

  test.each([
    [fetchError(404, { message: 'plugin route match not found' }), 'no-route'],
    [fetchError(404, { message: 'Plugin not found, no installed plugin with that id' }), 'not-enabled'],
    [fetchError(403, { message: 'plugin proxy route access denied' }), 'forbidden'],
    [fetchError(401, { error: 'unauthorized' }), 'unauthorized'],
    [fetchError(502, 'Bad Gateway'), 'unreachable'],
    [fetchError(500, {}), 'http'],
    [new Error('boom'), 'network'],
  ])('classifies %j as %s', (error, kind) => {
    expect(toRelayError(error).kind).toBe(kind);
  });

  test('keeps the status and the message', () => {
    const error = toRelayError(fetchError(401, { message: 'invalid token' }));
    expect(error).toBeInstanceOf(RelayError);
    expect(error.status).toBe(401);
    expect(error.detail).toBe('invalid token');
  });
});

describe('relay URL', () => {
  test('is stored without trailing slashes', () => {
    expect(normalizeRelayUrl(' http://wecom-relay:8686// ')).toBe('http://wecom-relay:8686');
  });

  test.each([
    ['', 'empty'],
    ['wecom-relay:8686', 'scheme'],
    ['not a url', 'invalid'],
    ['ftp://relay', 'scheme'],
    ['http://relay:8686/api/v1/', 'has-api-path'],
    ['http://relay:8686/?x=1', 'has-query'],
    ['http://relay:8686', null],
    ['https://grafana.example.com/wecom-relay', null],
  ])('%j → %s', (value, problem) => {
    expect(checkRelayUrl(value)).toBe(problem);
  });
});
