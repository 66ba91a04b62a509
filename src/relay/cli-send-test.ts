/** `wecom-relay send-test --service UID`: the same test-send as the admin API, from a shell. */
import fs from 'node:fs';
import path from 'node:path';
import { Catalog } from './config/catalog';
import { openStorage } from './relay';
import { SecretBox } from './secrets';
import { resolveSettings, type Flags } from './settings';
import { testService } from './test-send';
import { WecomClient } from './wecom/client';

/**
 * The data key the relay's secrets are sealed with, from the env or the data dir. Never a new one,
 * unlike `serve`: a new key opens nothing, and would be left behind in the relay's data dir.
 */
function relaySecretKey(dataDir: string): string | undefined {
  const file = path.join(dataDir, 'secret.key');
  return (
    process.env.WECOM_RELAY_SECRET_KEY?.trim() ||
    (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined)
  );
}

export async function sendTestFromCli(flags: Flags, serviceUid: string | undefined): Promise<number> {
  if (!serviceUid) {
    console.error('send-test needs --service UID');
    return 2;
  }
  const settings = resolveSettings(flags);
  const database = path.join(settings.dataDir, 'wecom-relay.db');
  if (!settings.databaseUrl && !fs.existsSync(database)) {
    console.error(`no relay database at ${database}: pass the relay's --data-dir (or WECOM_RELAY_DATA_DIR)`);
    return 1;
  }
  const secretKey = relaySecretKey(settings.dataDir);
  if (!secretKey) {
    console.error(
      `set WECOM_RELAY_SECRET_KEY to the relay's key; there is no ${path.join(settings.dataDir, 'secret.key')}`
    );
    return 1;
  }
  const storage = openStorage(settings);
  try {
    const catalog = new Catalog(storage, new SecretBox(secretKey), settings.apiBase);
    await catalog.reload();
    const service = catalog.services.get(serviceUid)?.config;
    if (!service) {
      console.error(`no service "${serviceUid}" in ${database}`);
      return 1;
    }
    const language = (process.env.LANG ?? '').startsWith('zh') ? 'zh-CN' : 'en';
    const results = await testService(service, {
      storage,
      client: new WecomClient({ apiBase: settings.apiBase }),
      apiBase: settings.apiBase,
      language,
    });
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
