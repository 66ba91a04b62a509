export const testIds = {
  table: 'data-testid deliveries-table',
  row: 'data-testid deliveries-row',
  drawer: 'data-testid delivery-drawer',
  attempt: 'data-testid delivery-attempt',
  message: 'data-testid delivery-message',
};
