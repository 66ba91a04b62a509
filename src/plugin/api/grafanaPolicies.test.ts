import { mockBackendSrvFetch } from '../test/backendSrv';
import { readRoutedReceivers, routedReceivers } from './grafanaPolicies';

describe('routedReceivers', () => {
  test('collects the contact points of the default policy and of nested policies at any depth', () => {
    const tree = {
      receiver: 'email',
      routes: [{ routes: [{ receiver: 'WeCom · 严重告警' }] }, { receiver: 'WeCom · DBA', routes: [] }],
    };
    expect([...routedReceivers(tree)].sort()).toEqual(['WeCom · DBA', 'WeCom · 严重告警', 'email']);
  });
});

describe('readRoutedReceivers', () => {
  test.each([403, 404])('is null when Grafana answers %i: the plugin cannot tell', async (status) => {
    mockBackendSrvFetch(() => ({ error: { status, data: { message: 'no' } } }));
    await expect(readRoutedReceivers()).resolves.toBeNull();
  });

  test('passes any other failure on', async () => {
    mockBackendSrvFetch(() => ({ error: { status: 500, data: { message: 'database is locked' } } }));
    await expect(readRoutedReceivers()).rejects.toThrow('Grafana 500: database is locked');
  });
});
