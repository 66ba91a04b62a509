/** `wecom-relay send-test --service UID`: the same test-send as the admin API, from a shell. */
import fs from 'node:fs';
import path from 'node:path';
import type { Language, ServiceConfig } from '../core/config';
import { serviceProblems } from '../core/validation';
import { envTwin } from './cli-flags';
import { Catalog } from './config/catalog';
import { localeLanguage } from './locale';
import { openStorage } from './relay';
import { SecretBox } from './secrets';
import { resolveSettings, type Flags } from './settings';
import { testService, type DestinationResult } from './test-send';
import { WecomClient } from './wecom/client';
import { resolveEgress } from './wecom/egress';

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
  const storage = await openStorage(settings, { migrate: false });
  try {
    const catalog = new Catalog(storage, new SecretBox(secretKey), settings.apiBase);
    await catalog.reload();
    const service = catalog.services.get(serviceUid)?.config;
    if (!service) {
      console.error(`no service "${serviceUid}" in ${settings.databaseUrl ? 'the PostgreSQL database' : database}`);
      return 1;
    }
    const language = localeLanguage();
    const unreachable = robotsOffTheApiBase(service, settings.apiBase, language);
    const egress = resolveEgress(settings.apiBase, settings.egress);
    try {
      const results = await testService(service, {
        storage,
        client: new WecomClient({ apiBase: settings.apiBase, dispatcher: egress.dispatcher }),
        apiBase: settings.apiBase,
        language,
      });
      process.stdout.write(
        `${[...unreachable, ...results.map((result) => resultLines(result, language))].flat().join('\n')}\n`
      );
      return unreachable.length === 0 && results.every((result) => result.ok) ? 0 : 1;
    } finally {
      await egress.dispatcher.close();
    }
  } finally {
    await storage.close();
  }
}

/**
 * Robots whose webhook URL is not on this API base are not sent to (the relay never calls another
 * host), which says that send-test was not given the --wecom-api-base the relay serves with.
 */
function robotsOffTheApiBase(service: ServiceConfig, apiBase: string, language: Language): string[][] {
  const problems = serviceProblems(service, apiBase, language);
  return service.robots.flatMap((robot, index) => {
    const problem = problems.find((found) => found.path === `robots[${index}].webhookUrl`);
    if (!problem) {
      return [];
    }
    const head = `robot ${robot.groups || 'robot'}`;
    const flag = `--wecom-api-base (${envTwin('wecom-api-base')})`;
    return [
      language === 'zh-CN'
        ? [`${head}: 未发送`, `  ${problem.message}`, `  请传入中继 serve 所用的 ${flag}`]
        : [`${head}: NOT SENT`, `  ${problem.message}`, `  pass the ${flag} the relay serves with`],
    ];
  });
}

/** One destination's answer: ok, sent with recipients WeCom refused, or failed with errcode and hint. */
function resultLines(result: DestinationResult, language: Language): string[] {
  const head = `${result.kind} ${result.label}`;
  const hint = result.hint ? [`  ${result.hint[language]}`] : [];
  if (result.ok) {
    return [`${head}: ok`];
  }
  if (result.errcode === 0 && result.invalidRecipients.length > 0) {
    const refused = result.invalidRecipients.join(', ');
    const count = result.invalidRecipients.length;
    return [
      language === 'zh-CN'
        ? `${head}: 部分送达，企业微信拒收 ${count} 个接收人：${refused}`
        : `${head}: PARTLY DELIVERED, WeCom refused ${count} recipient(s): ${refused}`,
      ...hint,
    ];
  }
  const code = result.errcode !== null ? ` errcode ${result.errcode}` : '';
  return [language === 'zh-CN' ? `${head}: 失败${code}` : `${head}: FAILED${code}`, `  ${result.errmsg}`, ...hint];
}
