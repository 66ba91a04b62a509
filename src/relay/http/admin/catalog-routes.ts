/** /services and /rules, on the shared object routes. */
import {
  ruleUpdateSchema,
  ruleViewSchema,
  serviceUpdateSchema,
  serviceViewSchema,
  type RuleView,
  type ServiceView,
} from '../../../core/api';
import { ruleSchema, serviceSchema, type RuleConfig, type ServiceConfig } from '../../../core/config';
import { ruleProblems, serviceProblems } from '../../../core/validation';
import type { RelayContext } from '../../context';
import { ApiError } from '../errors';
import { objectRoutes } from './objects';
import type { AdminApi } from './schemas';
import { keepRuleSecrets, keepServiceSecrets, ruleView, serviceView } from './views';

export function catalogRoutes(app: AdminApi, context: RelayContext) {
  objectRoutes<ServiceConfig, ServiceView>(app, context, {
    kind: 'service',
    path: '/services',
    tag: 'services',
    schema: serviceSchema,
    updateSchema: serviceUpdateSchema,
    viewSchema: serviceViewSchema,
    entries: (catalog) => catalog.services,
    view: (entry) => serviceView(entry, context.catalog.rulesUsing(entry.config.uid), context.settings.apiBase),
    keepSecrets: (body, current) => keepServiceSecrets(body, current, context.settings.apiBase),
    problems: (service, { settings }, language) => serviceProblems(service, settings.apiBase, language),
    deleteBlocker: {
      when: 'while rules use it',
      check: (uid, { catalog }) => {
        const rules = catalog.rulesUsing(uid);
        return rules.length === 0
          ? undefined
          : new ApiError(409, {
              en: `service "${uid}" is used by rule(s) ${rules.join(', ')}; remove it from them first`,
              'zh-CN': `通知服务 "${uid}" 正被通知规则 ${rules.join('、')} 使用，请先从这些规则中移除`,
            });
      },
    },
  });

  objectRoutes<RuleConfig, RuleView>(app, context, {
    kind: 'rule',
    path: '/rules',
    tag: 'rules',
    schema: ruleSchema,
    updateSchema: ruleUpdateSchema,
    viewSchema: ruleViewSchema,
    entries: (catalog) => catalog.rules,
    view: (entry) => ruleView(entry),
    keepSecrets: keepRuleSecrets,
    problems: (rule, { catalog }, language) => ruleProblems(rule, (uid) => catalog.services.has(uid), language),
  });
}
