/**
 * The grammar of the `wecom-relay` command: its commands, the flags each takes with their env
 * twins, the help text made from them, and the parse (node:util parseArgs) that refuses a flag a
 * command does not take, naming it.
 */
import { parseArgs } from 'node:util';
import { closestField } from '../core/validation';
import type { Flags } from './settings';

export interface FlagSpec {
  /** Shown after the flag in help, e.g. DIR. */
  value: string;
  /** The env var read when the flag is not given. */
  env?: string;
  /** What the relay falls back to when neither is set. */
  fallback?: string;
  description: string;
}

export type FlagName = keyof Flags | 'service';

const FLAGS: Record<FlagName, FlagSpec> = {
  port: {
    value: 'PORT',
    env: 'WECOM_RELAY_PORT',
    fallback: '8686',
    description: 'TCP port to listen on (0: any free one)',
  },
  host: { value: 'HOST', env: 'WECOM_RELAY_HOST', fallback: '0.0.0.0', description: 'address to listen on' },
  'data-dir': {
    value: 'DIR',
    env: 'WECOM_RELAY_DATA_DIR',
    fallback: './data',
    description: 'the SQLite database and the generated tokens and key',
  },
  'database-url': {
    value: 'URL',
    env: 'WECOM_RELAY_DATABASE_URL',
    description: 'postgres://… instead of SQLite (several replicas; not available yet, refused)',
  },
  provisioning: {
    value: 'DIR',
    env: 'WECOM_RELAY_PROVISIONING',
    description: 'folder of provisioning YAML files (services and rules)',
  },
  'wecom-api-base': {
    value: 'URL',
    env: 'WECOM_RELAY_API_BASE',
    fallback: 'https://qyapi.weixin.qq.com',
    description: 'the WeCom API robots and apps are called on (private deployment 私有化, or a reverse proxy)',
  },
  'wecom-proxy': {
    value: 'URL',
    env: 'WECOM_RELAY_PROXY',
    description: 'an http(s) proxy for the WeCom calls only, e.g. the host on 企业可信IP; wins over HTTPS_PROXY',
  },
  service: { value: 'UID', description: 'the service to send a test message to' },
};

export interface CommandSpec {
  summary: string;
  flags: FlagName[];
  /** Flags the command cannot do without. */
  required?: FlagName[];
  /** Further lines of help after the flags. */
  notes: string[];
}

export const COMMANDS = {
  serve: {
    summary: 'run the relay: receive Grafana and Alertmanager webhooks, deliver to WeCom',
    flags: ['port', 'host', 'data-dir', 'database-url', 'provisioning', 'wecom-api-base', 'wecom-proxy'],
    notes: [
      'Secrets by env only: WECOM_RELAY_ADMIN_TOKEN, WECOM_RELAY_INGEST_TOKEN, WECOM_RELAY_SECRET_KEY',
      '(each generated once into the data dir, mode 0600, when unset).',
      'Also read: WECOM_RELAY_MAX_AGE, _DEDUP_WINDOW, _RETENTION, _LINGER, _BODY_LIMIT, _LOG_LEVEL;',
      'HTTPS_PROXY, HTTP_PROXY and NO_PROXY for the WeCom calls when --wecom-proxy is not set.',
      'Signals: SIGTERM/SIGINT stop after the sends in flight; SIGHUP reloads --provisioning.',
    ],
  },
  validate: {
    summary:
      'check a provisioning folder with the checks serve and a reload apply; exit 0, or print every problem and exit 1',
    flags: ['provisioning', 'wecom-api-base'],
    required: ['provisioning'],
    notes: [
      'Robot webhook URLs must be on the API base serve uses: pass the same --wecom-api-base.',
      'Messages in Chinese when LC_ALL, LC_MESSAGES or LANG is zh_* (e.g. LANG=zh_CN.UTF-8).',
    ],
  },
  'send-test': {
    summary: "send a real test message to every destination of a service in the relay's database",
    flags: ['service', 'data-dir', 'database-url', 'wecom-api-base', 'wecom-proxy'],
    required: ['service'],
    notes: [
      "Reads the relay's data dir (WECOM_RELAY_SECRET_KEY or its secret.key opens the stored secrets);",
      'works with or without a running relay. Exits 1 when a destination failed or WeCom refused a recipient.',
      'Honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY like serve. Chinese output when LANG is zh_*.',
    ],
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

function flagLine(name: FlagName, required: boolean): string {
  const spec = FLAGS[name];
  const usage = `--${name} ${spec.value}`;
  const details = [
    spec.description,
    required ? 'required' : undefined,
    spec.env ? `env ${spec.env}` : undefined,
    spec.fallback ? `default ${spec.fallback}` : undefined,
  ].filter(Boolean);
  return `  ${usage.padEnd(24)} ${details.join('; ')}`;
}

export function commandHelp(name: CommandName): string {
  const command: CommandSpec = COMMANDS[name];
  const required = command.required ?? [];
  const synopsis = command.flags.map((flag) =>
    required.includes(flag) ? `--${flag} ${FLAGS[flag].value}` : `[--${flag} ${FLAGS[flag].value}]`
  );
  return [
    `Usage: wecom-relay ${name} ${synopsis.join(' ')}`,
    '',
    `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`,
    '',
    'Flags (a flag wins over its env twin):',
    ...command.flags.map((flag) => flagLine(flag, required.includes(flag))),
    `  ${'--help'.padEnd(24)} this help`,
    '',
    ...command.notes,
  ].join('\n');
}

export const GENERAL_HELP = [
  'Usage: wecom-relay <command> [flags]',
  '',
  'Commands:',
  ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`),
  `  ${'help'.padEnd(10)} this help, or a command's: wecom-relay help <command>`,
  '',
  'wecom-relay <command> --help lists the flags of a command and their env twins.',
  'wecom-relay --version prints the version.',
].join('\n');

export class UsageError extends Error {}

export type CommandFlags = Flags & { service?: string };

export type Invocation =
  | { kind: 'version' }
  | { kind: 'help'; command?: CommandName }
  | { kind: 'run'; command: CommandName; flags: CommandFlags };

const ANY_FLAG = {
  ...Object.fromEntries(Object.keys(FLAGS).map((name) => [name, { type: 'string' }] as const)),
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** A flag the command does not take, said with the one meant when one is close. */
function unknownFlag(name: string, command: CommandName | undefined, known: string[]): UsageError {
  const meant = closestField(name, known);
  const where = command ? ` for ${command}` : '';
  const suggestion = meant ? `; did you mean --${meant}?` : '';
  const more = command ? `wecom-relay ${command} --help` : 'wecom-relay help';
  return new UsageError(`unknown flag --${name}${where}${suggestion} (${more} lists the flags)`);
}

function unknownCommand(name: string): UsageError {
  const meant = closestField(name, [...Object.keys(COMMANDS), 'help']);
  return new UsageError(`unknown command "${name}"${meant ? `; did you mean "${meant}"?` : ''}\n\n${GENERAL_HELP}`);
}

export function parseCommandLine(argv: string[]): Invocation {
  const { tokens } = parseArgs({ args: argv, options: ANY_FLAG, allowPositionals: true, strict: false, tokens: true });
  const name = tokens.find((token) => token.kind === 'positional')?.value;
  if (name !== undefined && name !== 'help' && !isCommand(name)) {
    throw unknownCommand(name);
  }
  const command = name === 'help' || name === undefined ? undefined : name;
  const known = [...(command ? COMMANDS[command].flags : []), 'help', ...(command ? [] : ['version'])];
  for (const token of tokens) {
    if (token.kind === 'option' && !known.includes(token.name)) {
      throw unknownFlag(token.name, command, known);
    }
  }
  const options = Object.fromEntries(known.map((flag) => [flag, ANY_FLAG[flag as keyof typeof ANY_FLAG]]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    return { kind: 'version' };
  }
  if (name === 'help') {
    const topic = positionals[1];
    if (topic !== undefined && !isCommand(topic)) {
      throw unknownCommand(topic);
    }
    return { kind: 'help', command: topic };
  }
  if (!command || values.help) {
    return { kind: 'help', command };
  }
  if (positionals.length > 1) {
    throw new UsageError(`${command} takes no argument "${positionals[1]}" (wecom-relay ${command} --help)`);
  }
  return { kind: 'run', command, flags: values as CommandFlags };
}

/** The env twin of a flag, for messages that ask for it. */
export function envTwin(flag: FlagName): string | undefined {
  return FLAGS[flag].env;
}
