import { RelayError, toRelayError } from './relay';
import { checkRelayUrl, normalizeRelayUrl } from './settings';

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
