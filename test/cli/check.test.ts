import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { selectedEventTypes, unmatchedPatterns } from '../../src/records/match.ts';
import { fixture, runCli } from '../helpers/cli.ts';

/** 1-based number of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text));
  assert.notEqual(index, -1, `${text} not in ${file}`);
  return index + 1;
}

const STACK_FRAME = /^\s+at /m;

describe('otel-webhooks check', () => {
  it('the newer seed example: store.ingest is reported as no event type, with the nearest names and its line', async () => {
    const file = fixture('seed-newer.toml');
    const result = await runCli(['check', file]);
    assert.equal(result.code, 0, result.stderr);
    const [unknown] = unmatchedPatterns(['store.ingest']);
    assert.ok(unknown !== undefined && unknown.suggestions.length > 0);
    const warning = result.stdout.split('\n').find((line) => line.includes('warning:'));
    assert.ok(warning !== undefined, result.stdout);
    assert.ok(
      warning.startsWith(
        `${file}:${lineOf(file, '"store.ingest"')}: warning: webhook."my-webhook".events: "store.ingest" is not a known event type`,
      ),
      warning,
    );
    for (const suggestion of unknown.suggestions) assert.ok(warning.includes(`"${suggestion}"`), warning);
  });

  it('the newer seed example: each setting is shown as it will run', async () => {
    const result = await runCli(['check', fixture('seed-newer.toml')]);
    assert.equal(result.code, 0, result.stderr);
    const field = (name: string): string | undefined =>
      result.stdout
        .split('\n')
        .find((line) => line.trimStart().startsWith(`${name} `))
        ?.trim()
        .slice(name.length)
        .trim();
    assert.equal(field('url'), 'https://example.com/webhook');
    assert.equal(field('throttle'), '1s');
    assert.equal(field('timeout'), '30s');
    assert.equal(field('signing'), 'HMAC-SHA256 in X-Signature');
    assert.equal(field('auth'), 'basic (username "account")');
    assert.match(field('lossy') ?? '', /^no/);
    assert.match(result.stdout, /"auth\.success"\s+selects 1\n\s+"store\.ingest"\s+selects 0\n\s+1 event type selected/);
  });

  it('the older seed example: every pattern selects its event type, no warning, and the pre-0.9 names get a note', async () => {
    const file = fixture('seed-older.toml');
    const [webhook] = parseWebhookConfig(readFileSync(file, 'utf8'));
    assert.ok(webhook !== undefined);
    const result = await runCli(['check', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes('warning:'), result.stdout);
    assert.match(result.stdout, new RegExp(`\\n\\s+${selectedEventTypes(webhook.events).length} event types selected\\n`));
    for (const pattern of webhook.events) assert.match(result.stdout, new RegExp(`"${pattern.replaceAll('.', '\\.')}"\\s+selects 1\\n`));
    assert.match(result.stdout, /note: .*pre-0\.9 .*auth\.failure/);
    assert.match(result.stdout, /valid$/m);
  });

  it('a config error exits 1 with file, line and key, and no stack trace', async () => {
    const file = fixture('cli/bad-duration.toml');
    const result = await runCli(['check', file]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.ok(result.stderr.startsWith(`${file}:${lineOf(file, 'throttle')}: webhook."alerts".throttle: `), result.stderr);
    assert.ok(result.stderr.includes('"1m30s"'), result.stderr);
    assert.doesNotMatch(result.stderr, STACK_FRAME);
  });

  it("an invalid glob in events exits 1 with file, line and the pattern's key", async () => {
    const file = fixture('cli/bad-pattern.toml');
    const result = await runCli(['check', file]);
    assert.equal(result.code, 1);
    assert.ok(
      result.stderr.startsWith(`${file}:${lineOf(file, 'events =')}: webhook."alerts".events has an invalid pattern "auth.[" at index 1`),
      result.stderr,
    );
    assert.doesNotMatch(result.stderr, STACK_FRAME);
  });

  it('invalid TOML exits 1 with the line of the problem', async () => {
    const file = fixture('cli/bad-toml.toml');
    const result = await runCli(['check', file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^${file.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: invalid TOML`));
    assert.doesNotMatch(result.stderr, STACK_FRAME);
  });

  it('no secret is shown: url credentials are masked, keys, tokens and header values left out', async () => {
    const result = await runCli(['check', fixture('cli/secrets.toml')]);
    assert.equal(result.code, 0, result.stderr);
    for (const secret of ['url-pa55word', 'hook-user', 'signing-key-s3cret', 'header-s3cret', 'bearer-t0ken', 'query-t0ken']) {
      assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `${secret} shown`);
    }
    assert.ok(result.stdout.includes('https://***@hooks.example.org/in'), result.stdout);
    assert.ok(result.stdout.includes('https://hooks.example.org/q?token=***&tenant=blue'), result.stdout);
    assert.ok(result.stdout.includes('X-Api-Key'), result.stdout);
  });

  it('--strict turns warnings into exit code 1', async () => {
    const result = await runCli(['check', '--strict', fixture('seed-newer.toml')]);
    assert.equal(result.code, 1);
    assert.ok(result.stdout.includes('warning:'));
  });

  it('a missing file exits 1 with one line and no stack trace', async () => {
    const result = await runCli(['check', fixture('cli/no-such-file.toml')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^otel-webhooks check: cannot read .*no-such-file\.toml: no such file\n$/);
  });

  it('no config file is a usage error: exit 2 and a pointer to --help', async () => {
    const result = await runCli(['check']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /missing the config file/);
    assert.match(result.stderr, /otel-webhooks check --help/);
  });

  it('--help explains the command and its exit codes, exit 0', async () => {
    const result = await runCli(['check', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: otel-webhooks check <config> /);
    assert.match(result.stdout, /Exit codes:\n\s+0 .*\n\s+1 .*\n(?:\s{4,}.*\n)*\s+2 /);
  });

  it('output to a pipe has no colour codes', async () => {
    const result = await runCli(['check', fixture('seed-newer.toml')]);
    assert.equal(result.code, 0);
    assert.ok(!result.stdout.includes('\u001b['), 'escape codes in output');
  });
});

describe('otel-webhooks (no command)', () => {
  it('without a command it prints usage with the exit codes to stderr and exits 2', async () => {
    const result = await runCli([]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Commands:[\s\S]*check[\s\S]*listen[\s\S]*send[\s\S]*events[\s\S]*demo/);
    assert.match(result.stderr, /Exit codes:/);
  });

  it('an unknown command exits 2', async () => {
    const result = await runCli(['deploy']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command "deploy"/);
  });

  it('every command answers --help with exit 0', async () => {
    for (const command of ['check', 'listen', 'send', 'events', 'demo']) {
      const result = await runCli([command, '--help']);
      assert.equal(result.code, 0, command);
      assert.match(result.stdout, new RegExp(`^Usage: otel-webhooks ${command}`), command);
      assert.match(result.stdout, /Exit codes:/, command);
    }
  });
});
