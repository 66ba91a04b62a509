/** GET /status and POST /provisioning/reload. */
import { relayStatusSchema, reloadResultSchema } from '../../../core/api';
import type { RelayContext } from '../../context';
import { ProvisioningError } from '../../provisioning/load';
import { ApiError, languageOf } from '../errors';
import { errorResponses, type AdminApi } from './schemas';

const startedAt = Date.now();

export function systemRoutes(app: AdminApi, context: RelayContext) {
  app.get(
    '/status',
    {
      schema: {
        summary: 'Version, storage, queue depth and oldest pending age, WeCom API base, egress IP once WeCom named it',
        tags: ['system'],
        response: { 200: relayStatusSchema, ...errorResponses() },
      },
    },
    async (request) => {
      let storageOk = true;
      try {
        await context.storage.ping();
      } catch {
        storageOk = false;
      }
      const queue = storageOk ? await context.storage.queueStats() : null;
      return {
        version: context.version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        storage: { kind: context.storage.kind, ok: storageOk },
        queue: queue && {
          pending: queue.pending,
          failed: queue.failed,
          oldestPendingSeconds:
            queue.oldestPendingAt === null ? null : Math.round((Date.now() - queue.oldestPendingAt) / 1000),
        },
        wecomApiBase: context.settings.apiBase,
        egressIp: context.client.lastEgressIp ?? null,
        provisioningRefused: context.refusedReload && {
          at: new Date(context.refusedReload.at).toISOString(),
          problems: context.refusedReload.error.problemsIn(languageOf(request)),
        },
        egressProxy: { url: context.egress.proxy, source: context.egress.source },
        provisioning: context.settings.provisioning ?? null,
        services: context.catalog.services.size,
        rules: context.catalog.rules.size,
      };
    }
  );

  app.post(
    '/provisioning/reload',
    {
      schema: {
        summary: 'Re-read the provisioning folder: all or nothing; 400 with every problem, and nothing changed',
        tags: ['system'],
        response: { 200: reloadResultSchema, ...errorResponses(400, 409, 503) },
      },
    },
    async (request) => {
      if (!context.settings.provisioning) {
        throw new ApiError(409, {
          en: 'the relay was started without --provisioning; there is nothing to reload',
          'zh-CN': '中继启动时未指定 --provisioning，没有可重新加载的配置文件',
        });
      }
      try {
        return { ok: true as const, ...(await context.reloadProvisioning()) };
      } catch (error) {
        if (error instanceof ProvisioningError) {
          const summary = (problems: Array<{ path: string; message: string }>) =>
            problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
          throw new ApiError(
            400,
            {
              en: `provisioning refused, nothing changed: ${summary(error.problemsIn('en'))}`,
              'zh-CN': `配置文件有误，未做任何修改：${summary(error.problemsIn('zh-CN'))}`,
            },
            error.problemsIn(languageOf(request))
          );
        }
        throw error;
      }
    }
  );
}
