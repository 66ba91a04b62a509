/** The `wecom-relay` command line itself: version, help per command, and flags it refuses. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli';

const PACKAGE_VERSION = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')
).version;

describe('wecom-relay --version and help', () => {
  test('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), PACKAGE_VERSION);
  });

  test('help lists every command; no command at all prints it to stderr and exits 2', async () => {
    const help = await runCli(['help']);
    assert.equal(help.code, 0, help.stderr);
    for (const command of ['serve', 'validate', 'send-test', 'help']) {
      assert.match(help.stdout, new RegExp(`^  ${command} +\\S`, 'm'), command);
    }
    const bare = await runCli([]);
    assert.equal(bare.code, 2);
    assert.equal(bare.stderr, help.stdout);
  });

  test("each command's --help lists its flags with their env twins, and only its flags", async () => {
    const expected: Record<string, Array<[string, string | null]>> = {
      serve: [
        ['--port PORT', 'WECOM_RELAY_PORT'],
        ['--host HOST', 'WECOM_RELAY_HOST'],
        ['--data-dir DIR', 'WECOM_RELAY_DATA_DIR'],
        ['--database-url URL', 'WECOM_RELAY_DATABASE_URL'],
        ['--provisioning DIR', 'WECOM_RELAY_PROVISIONING'],
        ['--wecom-api-base URL', 'WECOM_RELAY_API_BASE'],
        ['--wecom-proxy URL', 'WECOM_RELAY_PROXY'],
      ],
      validate: [
        ['--provisioning DIR', 'WECOM_RELAY_PROVISIONING'],
        ['--wecom-api-base URL', 'WECOM_RELAY_API_BASE'],
      ],
      'send-test': [
        ['--service UID', null],
        ['--data-dir DIR', 'WECOM_RELAY_DATA_DIR'],
        ['--database-url URL', 'WECOM_RELAY_DATABASE_URL'],
        ['--wecom-api-base URL', 'WECOM_RELAY_API_BASE'],
        ['--wecom-proxy URL', 'WECOM_RELAY_PROXY'],
      ],
    };
    for (const [command, flags] of Object.entries(expected)) {
      const result = await runCli([command, '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^Usage: wecom-relay ${command} `));
      const flagLines = result.stdout.split('\n').filter((line) => /^ {2}--/.test(line));
      for (const [flag, env] of flags) {
        const line = flagLines.find((candidate) => candidate.startsWith(`  ${flag} `));
        assert.ok(line, `${command} --help lists ${flag}:\n${result.stdout}`);
        if (env) {
          assert.match(line, new RegExp(`env ${env}\\b`), `${flag}'s env twin`);
        }
      }
      assert.equal(flagLines.length, flags.length + 1, 'its flags and --help, no other');
      assert.equal((await runCli(['help', command])).stdout, result.stdout, `help ${command}`);
    }
    assert.doesNotMatch((await runCli(['validate', '--help'])).stdout, /--port|--data-dir/);
  });
});

describe('flags and commands the CLI refuses', () => {
  test('an unknown flag is named, with the flag meant when one is close, and exits 2', async () => {
    const typo = await runCli(['validate', '--provisionig', 'provisioning/relay']);
    assert.equal(typo.code, 2);
    assert.equal(
      typo.stderr.trim(),
      'wecom-relay: unknown flag --provisionig for validate; did you mean --provisioning? (wecom-relay validate --help lists the flags)'
    );
    const unrelated = await runCli(['serve', '--colour', 'red']);
    assert.equal(unrelated.code, 2);
    assert.match(unrelated.stderr, /^wecom-relay: unknown flag --colour for serve \(wecom-relay serve --help/);
  });

  test("another command's flag is refused, not ignored", async () => {
    const result = await runCli(['send-test', '--service', 'ops', '--port', '9000']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown flag --port for send-test/);
  });

  test('a flag without its value, an unknown command and a stray argument are named', async () => {
    const missing = await runCli(['validate', '--provisioning']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--provisioning <value>' argument missing/);
    const command = await runCli(['valdate']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /^wecom-relay: unknown command "valdate"; did you mean "validate"\?/);
    const stray = await runCli(['validate', 'provisioning/relay']);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /validate takes no argument "provisioning\/relay"/);
  });
});
