/** The `wecom-relay` command: serve, validate, send-test. */
import { isMainThread } from 'node:worker_threads';
import { commandHelp, envTwin, GENERAL_HELP, parseCommandLine, UsageError } from './cli-flags';
import { sendTestFromCli } from './cli-send-test';
import { localeLanguage } from './locale';
import { createLogger } from './logger';
import { loadProvisioning, ProvisioningError } from './provisioning/load';
import { startRelay } from './relay';
import { resolveSettings, type Flags } from './settings';
import { VERSION } from './version';

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
    console.error(`validate needs --provisioning DIR (or ${envTwin('provisioning')})`);
    return 2;
  }
  const language = localeLanguage();
  try {
    const result = loadProvisioning(settings.provisioning, settings.apiBase);
    const [files, services, rules] = [result.files.length, result.services.length, result.rules.length];
    process.stdout.write(
      language === 'zh-CN'
        ? `正确：${files} 个文件，${services} 个通知服务，${rules} 条通知规则\n`
        : `ok: ${files} file(s), ${services} service(s), ${rules} rule(s)\n`
    );
    return 0;
  } catch (error) {
    if (error instanceof ProvisioningError) {
      for (const problem of error.problemsIn(language)) {
        console.error(`${problem.path}: ${problem.message}`);
      }
      return 1;
    }
    throw error;
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    console.error(GENERAL_HELP);
    return 2;
  }
  let invocation: ReturnType<typeof parseCommandLine>;
  try {
    invocation = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`wecom-relay: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (invocation.kind === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (invocation.kind === 'help') {
    process.stdout.write(`${invocation.command ? commandHelp(invocation.command) : GENERAL_HELP}\n`);
    return 0;
  }
  const { command, flags } = invocation;
  switch (command) {
    case 'serve':
      await serve(flags);
      return -1;
    case 'validate':
      return validate(flags);
    case 'send-test':
      return sendTestFromCli(flags, flags.service);
  }
}

// The bundle is also the delivery thread's code (delivery/thread.ts): it runs no command there.
if (isMainThread) {
  void main(process.argv.slice(2)).then(
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
}
