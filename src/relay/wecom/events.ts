import type { Logger } from '../logger';
import type { Counts } from '../metrics';
import type { WecomClientOptions } from './client';
import { invalidRecipientKind } from './recipients';

/** What the relay's WeCom clients report, as metrics and log lines. */
export function clientEvents(
  metrics: { tokenRefreshes: Counts<'result'>; invalidRecipients: Counts<'kind'> },
  logger: Pick<Logger, 'warn'>
): Pick<WecomClientOptions, 'onTokenRefresh' | 'onInvalidRecipients'> {
  return {
    onTokenRefresh: (_corpId, _agentId, ok) => metrics.tokenRefreshes.inc({ result: ok ? 'ok' : 'error' }),
    onInvalidRecipients: (app, recipients) => {
      for (const recipient of recipients) {
        metrics.invalidRecipients.inc({ kind: invalidRecipientKind(recipient) });
      }
      logger.warn(
        { corpId: app.corpId, agentId: app.agentId, invalidRecipients: recipients },
        'WeCom delivered an app message, but not to these recipients (check 通讯录 账号 spelling and the app’s 可见范围)'
      );
    },
  };
}
