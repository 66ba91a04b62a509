export const testIds = {
  list: {
    deleteError: 'services-delete-error',
  },
  form: {
    readOnly: 'service-form-read-only',
    robotRow: (index: number) => `service-robot-${index}`,
  },
  import: {
    preview: 'service-import-preview',
    skipped: 'service-import-skipped',
  },
  test: {
    result: (destination: string) => `service-test-result-${destination}`,
  },
};
