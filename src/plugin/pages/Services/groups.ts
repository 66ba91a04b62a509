/**
 * 群组名称 is one string with "&" between the groups; the form shows each group as a chip. On its
 * own so the services list can use it without loading the form's validation (zod, templates).
 */
export function splitGroups(groups: string): string[] {
  return groups
    .split('&')
    .map((group) => group.trim())
    .filter((group) => group !== '');
}
