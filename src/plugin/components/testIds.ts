export const testIds = {
  appConfig: {
    container: 'data-testid ac-container',
    relayUrl: 'data-testid ac-relay-url',
    adminToken: 'data-testid ac-admin-token',
    submit: 'data-testid ac-submit-form',
    testConnection: 'data-testid ac-test-connection',
    testResult: 'data-testid ac-test-result',
  },
  overview: {
    container: 'data-testid overview-container',
    notConfigured: 'data-testid overview-not-configured',
    status: 'data-testid overview-status',
    error: 'data-testid overview-error',
    refresh: 'data-testid overview-refresh',
  },
  relayStatus: {
    version: 'data-testid relay-status-version',
    storage: 'data-testid relay-status-storage',
    queue: 'data-testid relay-status-queue',
    failed: 'data-testid relay-status-failed',
    egressIp: 'data-testid relay-status-egress-ip',
    services: 'data-testid relay-status-services',
    rules: 'data-testid relay-status-rules',
  },
};
