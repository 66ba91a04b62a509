/**
 * Parts of pending groups, rendered once: a queue that waits on its rate budget is planned again
 * on every pass, over the same groups. Kept per rule config (a reload makes new objects) and per
 * group object (storage hands out the same one while it caches it), so nothing outlives its use.
 */
import type { AlertGroup } from '../../core/alert';
import type { RuleConfig } from '../../core/config';
import { renderGroupParts, ruleRenderContext, type MessageKind, type RenderedPart } from '../../core/render';

export class PartsMemo {
  private readonly byRule = new WeakMap<RuleConfig, WeakMap<AlertGroup, Map<string, RenderedPart[]>>>();

  /** The group's parts as `rule` renders them for `kind`, with `createdAt` as the time it arrived. */
  parts(rule: RuleConfig, group: AlertGroup, createdAt: number, digest: boolean, kind: MessageKind): RenderedPart[] {
    let byGroup = this.byRule.get(rule);
    if (!byGroup) {
      byGroup = new WeakMap();
      this.byRule.set(rule, byGroup);
    }
    let rendered = byGroup.get(group);
    if (!rendered) {
      rendered = new Map();
      byGroup.set(group, rendered);
    }
    const key = `${kind} ${digest} ${createdAt}`;
    let parts = rendered.get(key);
    if (!parts) {
      parts = renderGroupParts(group, ruleRenderContext(rule, { now: new Date(createdAt), digest }), kind);
      rendered.set(key, parts);
    }
    return parts;
  }
}
