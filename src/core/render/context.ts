import type { RuleConfig } from '../config';
import type { RenderContext } from './types';

/** How a rule renders its messages. */
export function ruleRenderContext(
  rule: RuleConfig,
  options: Pick<RenderContext, 'now' | 'digest'> = {}
): RenderContext {
  return {
    ruleName: rule.name,
    language: rule.language,
    timezone: rule.timezone,
    template: rule.template,
    mentions: rule.mentions,
    labels: rule.labels,
    ...options,
  };
}
