/** The `wecom-relay` command: serve, validate, send-test. */
import { parseArgs } from 'node:util';
import { createLogger } from './logger';
import { loadProvisioning, ProvisioningError } from './provisioning/load';
import { startRelay } from './relay';
import { resolveSettings, type Flags } from './settings';
import { sendTestFromCli } from './cli-send-test';

const USAGE = `Usage:
  wecom-relay serve     [--port 8686] [--host 0.0.0.0] [--data-dir ./data] [--database-url postgres://…]
                        [--provisioning DIR] [--wecom-api-base https://qyapi.weixin.qq.com]
  wecom-relay validate  --provisioning DIR
  wecom-relay send-test --service UID [--data-dir ./data]

Every flag has an env twin: WECOM_RELAY_PORT, _HOST, _DATA_DIR, _DATABASE_URL, _PROVISIONING, _API_BASE.
Secrets by env only: WECOM_RELAY_ADMIN_TOKEN, WECOM_RELAY_INGEST_TOKEN, WECOM_RELAY_SECRET_KEY
(generated once into the data dir when unset).`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  provisioning: { type: 'string' },
  'wecom-api-base': { type: 'string' },
  service: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function serve(flags: Flags): Promise<void> {
  const settings = resolveSettings(flags);
  const logger = createLogger(settings.logLevel);
  const relay = await startRelay(settings, { logger });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing sends in flight');
    relay.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      }
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => {
    if (!settings.provisioning) {
      logger.warn('SIGHUP: the relay was started without --provisioning; there is nothing to reload');
      return;
    }
    relay.context
      .reloadProvisioning()
      .catch((error) =>
        logger.error(
          { problems: (error as ProvisioningError).problems, err: error },
          'provisioning reload refused: nothing changed'
        )
      );
  });
}

function validate(flags: Flags): number {
  const settings = resolveSettings(flags);
  if (!settings.provisioning) {
    console.error('validate needs --provisioning DIR (or WECOM_RELAY_PROVISIONING)');
    return 2;
  }
  try {
    const result = loadProvisioning(settings.provisioning, settings.apiBase);
    process.stdout.write(
      `ok: ${result.files.length} file(s), ${result.services.length} service(s), ${result.rules.length} rule(s)\n`
    );
    return 0;
  } catch (error) {
    if (error instanceof ProvisioningError) {
      for (const problem of error.problems) {
        console.error(`${problem.path}: ${problem.message}`);
      }
      return 1;
    }
    throw error;
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const flags: Flags = values;
  switch (command) {
    case 'serve':
      await serve(flags);
      return -1;
    case 'validate':
      return validate(flags);
    case 'send-test':
      return sendTestFromCli(flags, values.service);
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) {
      process.exitCode = code;
    }
  },
  (error) => {
    console.error(`wecom-relay: ${(error as Error).message}`);
    process.exitCode = 1;
  }
);
