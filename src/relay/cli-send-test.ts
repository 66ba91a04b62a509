/** `wecom-relay send-test --service UID`: the same test-send as the admin API, from a shell. */
import path from 'node:path';
import { Catalog } from './config/catalog';
import { createLogger } from './logger';
import { loadSecrets, openStorage } from './relay';
import { SecretBox } from './secrets';
import { resolveSettings, type Flags } from './settings';
import { testService } from './test-send';
import { WecomClient } from './wecom/client';

export async function sendTestFromCli(flags: Flags, serviceUid: string | undefined): Promise<number> {
  if (!serviceUid) {
    console.error('send-test needs --service UID');
    return 2;
  }
  const settings = resolveSettings(flags);
  const logger = createLogger('warn');
  const secrets = loadSecrets(settings, process.env, logger);
  const storage = openStorage(settings);
  try {
    const catalog = new Catalog(storage, new SecretBox(secrets.secretKey));
    await catalog.reload();
    const service = catalog.services.get(serviceUid)?.config;
    if (!service) {
      console.error(`no service "${serviceUid}" in ${path.join(settings.dataDir, 'wecom-relay.db')}`);
      return 1;
    }
    const language = (process.env.LANG ?? '').startsWith('zh') ? 'zh-CN' : 'en';
    const results = await testService(service, { storage, client: new WecomClient({ apiBase: settings.apiBase }), apiBase: settings.apiBase, language });
    for (const result of results) {
      const status = result.ok ? 'ok' : `FAILED${result.errcode !== null ? ` errcode ${result.errcode}` : ''}`;
      console.log(`${result.kind} ${result.label}: ${status}`);
      if (!result.ok) {
        console.log(`  ${result.errmsg}`);
        if (result.hint) {
          console.log(`  ${result.hint[language]}`);
        }
      }
      if (result.invalidRecipients.length > 0) {
        console.log(`  not delivered to: ${result.invalidRecipients.join(', ')}`);
      }
    }
    return results.every((result) => result.ok) ? 0 : 1;
  } finally {
    await storage.close();
  }
}
