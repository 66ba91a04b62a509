/** /services and /rules, on the shared object routes. */
import type { FastifyInstance } from 'fastify';
import { ruleSchema, serviceSchema, type RuleConfig, type ServiceConfig } from '../../../core/config';
import { ruleProblems, serviceProblems } from '../../../core/validation';
import type { RelayContext } from '../../context';
import { ApiError } from '../errors';
import { objectRoutes } from './objects';
import { keepRuleSecrets, keepServiceSecrets, ruleView, serviceView } from './views';

export function catalogRoutes(app: FastifyInstance, context: RelayContext) {
  objectRoutes<ServiceConfig>(app, context, {
    kind: 'service',
    path: '/services',
    label: { en: 'service', 'zh-CN': '通知服务' },
    schema: serviceSchema,
    entries: (catalog) => catalog.services,
    view: (entry) => serviceView(entry, context.catalog.rulesUsing(entry.config.uid), context.settings.apiBase),
    keepSecrets: (body, current) => keepServiceSecrets(body, current, context.settings.apiBase),
    problems: (service, { settings }, language) => serviceProblems(service, settings.apiBase, language),
    deleteBlocker: (uid, { catalog }) => {
      const rules = catalog.rulesUsing(uid);
      return rules.length === 0
        ? undefined
        : new ApiError(409, {
            en: `service "${uid}" is used by rule(s) ${rules.join(', ')}; remove it from them first`,
            'zh-CN': `通知服务 "${uid}" 正被通知规则 ${rules.join('、')} 使用，请先从这些规则中移除`,
          });
    },
  });

  objectRoutes<RuleConfig>(app, context, {
    kind: 'rule',
    path: '/rules',
    label: { en: 'rule', 'zh-CN': '通知规则' },
    schema: ruleSchema,
    entries: (catalog) => catalog.rules,
    view: (entry) => ruleView(entry),
    keepSecrets: keepRuleSecrets,
    problems: (rule, { catalog }, language) => ruleProblems(rule, (uid) => catalog.services.has(uid), language),
  });
}
