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
    guide: 'data-testid overview-guide',
    /** A start guide step, 1 to 4. */
    step: (number: number) => `data-testid overview-step-${number}`,
    health: 'data-testid overview-health',
    failures: 'data-testid overview-failures',
  },
  relayStatus: {
    version: 'data-testid relay-status-version',
    storage: 'data-testid relay-status-storage',
    queue: 'data-testid relay-status-queue',
    failed: 'data-testid relay-status-failed',
    egressIp: 'data-testid relay-status-egress-ip',
    egressProxy: 'data-testid relay-status-egress-proxy',
    services: 'data-testid relay-status-services',
    rules: 'data-testid relay-status-rules',
  },
};
