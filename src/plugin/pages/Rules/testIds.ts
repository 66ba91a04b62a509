/** Test ids of the rules pages, for what has no accessible name of its own. */
export const testIds = {
  list: { row: (uid: string) => `rules-row-${uid}` },
  preview: { column: (kind: string) => `rule-preview-${kind}` },
  connect: { yaml: 'rule-contact-point-yaml' },
};
