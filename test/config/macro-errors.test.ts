import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { readWebhookConfig } from '../../src/config/read-config.ts';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { configError, onlyWebhook, tempFiles, webhookToml } from '../helpers/config-files.ts';

const { dir, file } = tempFiles('otel-webhooks-macro-errors-');

const only = onlyWebhook;

describe('TOML macros: errors name the key and the macro', () => {
  it('a missing environment variable', () => {
    const error = configError(() => only(webhookToml('signature-key = "%{env:HOOK_KEY}%"')));
    assert.equal(error.code, 'ERR_WEBHOOK_MACRO');
    assert.equal(error.key, 'webhook."ops".signature-key');
    assert.equal(error.line, 4);
    assert.equal(error.message, 'webhook."ops".signature-key: %{env:HOOK_KEY}%: the environment variable is not set (line 4)');
  });

  it('an array element names its index', () => {
    const error = configError(() => only(webhookToml('headers = ["X-A: a", "X-B: %{env:B}%"]')));
    assert.equal(error.key, 'webhook."ops".headers[1]');
    assert.match(error.message, /^webhook\."ops"\.headers\[1\]: %\{env:B\}%: the environment variable is not set \(line 4\)$/);
  });

  it('a file that does not exist', () => {
    const missing = join(dir, 'no-such-file');
    const error = configError(() => only(webhookToml(`auth.token = "%{file:${missing}}%"`)));
    assert.equal(error.code, 'ERR_WEBHOOK_MACRO');
    assert.equal(error.message, `webhook."ops".auth.token: %{file:${missing}}%: cannot read the file: no such file (line 4)`);
  });

  it('a directory is not a file', () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub, { recursive: true });
    assert.match(configError(() => only(webhookToml(`auth.token = "%{file:${sub}}%"`))).message, /: cannot read the file: is a directory/);
  });

  it('a file larger than 1 MiB', () => {
    const big = file('big', 'x'.repeat(1_048_577));
    assert.match(
      configError(() => only(webhookToml(`auth.token = "%{file:${big}}%"`))).message,
      /: cannot read the file: is larger than 1048576 bytes/,
    );
  });

  it('a file path that came from an env variable is masked in the error', () => {
    const error = configError(() => only(webhookToml('auth.token = "%{file:%{env:DIR}%/token}%"'), { DIR: '/secret-dir' }));
    assert.equal(error.message, 'webhook."ops".auth.token: %{file:…/token}%: cannot read the file: no such file (line 4)');
  });

  it('an unknown cfg key', () => {
    const error = configError(() => only(webhookToml('signature-key = "%{cfg:report.domain}%"')));
    assert.equal(
      error.message,
      'webhook."ops".signature-key: %{cfg:report.domain}%: the configuration has no key "report.domain" (line 4)',
    );
  });

  it("a cfg target's own failure names both", () => {
    const toml = `[report]\ndomain = "%{env:DOMAIN}%"\n${webhookToml('signature-key = "%{cfg:report.domain}%"')}`;
    assert.match(
      configError(() => only(toml)).message,
      /^webhook\."ops"\.signature-key: %\{cfg:report\.domain\}%: report\.domain: %\{env:DOMAIN\}%: the environment variable is not set/,
    );
  });

  for (const value of ['%{env:A}% %{env:B', 'a}% %{env:X', '%{cfg:never closed']) {
    it(`an unterminated macro is an error, at once: ${JSON.stringify(value)}`, () => {
      const error = configError(() => only(webhookToml(`signature-key = "${value}"`), { A: 'a', X: 'x' }));
      assert.equal(error.code, 'ERR_WEBHOOK_MACRO');
      assert.match(error.message, /unterminated macro, no "\}%" closes it/);
    });
  }

  it('a value may not expand beyond 1 MiB', () => {
    const half = file('half', 'y'.repeat(600_000));
    const error = configError(() => only(webhookToml(`signature-key = "%{file:${half}}%%{file:${half}}%"`)));
    assert.match(error.message, /expands to more than 1048576 characters/);
  });

  it('all values together may not expand beyond 16 MiB', () => {
    const large = file('large', 'z'.repeat(1_000_000));
    const elements = Array.from({ length: 20 }, () => '"X-Big: %{cfg:shared.value}%"').join(', ');
    const toml = `[shared]\nvalue = "%{file:${large}}%"\n${webhookToml(`headers = [${elements}]`)}`;
    assert.match(configError(() => only(toml)).message, /expand to too much text in total/);
  });
});

describe('TOML macros: values from macros are secrets', () => {
  const secret = 'abc-s3cret-value';

  const cases: { name: string; lines: string[]; code: string }[] = [
    { name: 'an invalid duration', lines: ['timeout = "%{env:S}%"'], code: 'ERR_WEBHOOK_INVALID_DURATION' },
    { name: 'an invalid url', lines: [], code: 'ERR_WEBHOOK_INVALID_URL' },
    { name: 'a header without a colon', lines: ['headers = ["X-Ok: 1", "%{env:S}%"]'], code: 'ERR_WEBHOOK_INVALID_HEADER' },
    { name: 'an invalid event pattern', lines: [], code: 'ERR_WEBHOOK_INVALID_PATTERN' },
    { name: 'a username with a colon', lines: ['auth = { username = "%{env:S}%:x", secret = "p" }'], code: 'ERR_WEBHOOK_INVALID_VALUE' },
  ];
  for (const { name, lines, code } of cases) {
    it(`${name}: the error names the key and the macro, not the value`, () => {
      let toml = webhookToml(...lines);
      if (code === 'ERR_WEBHOOK_INVALID_URL') toml = toml.replace('https://hooks.example.org/x', 'ftp://%{env:S}%');
      if (code === 'ERR_WEBHOOK_INVALID_PATTERN') toml = toml.replace('events = ["*"]', 'events = ["auth.[%{env:S}%"]');
      const error = configError(() => only(toml, { S: secret }));
      assert.equal(error.code, code);
      assert.ok(error.message.includes('%{env:S}%'), error.message);
      assert.ok(!error.message.includes(secret) && !error.message.includes('s3cret'), error.message);
      assert.ok(error.message.startsWith(error.key), error.message);
    });
  }

  it('the example: a timeout from a macro that is no duration', () => {
    const error = configError(() => only(webhookToml('timeout = "%{env:T}%"'), { T: 'soon' }));
    assert.equal(
      error.message,
      'webhook."ops".timeout: expected a duration like "30s"; the value comes from %{env:T}% and is not shown (line 4)',
    );
  });

  it('a macro that expands to nothing keeps the full message: an empty value is no secret', () => {
    const error = configError(() => only(webhookToml('signature-key = "%{env:EMPTY}%"'), { EMPTY: '' }));
    assert.match(error.message, /^webhook\."ops"\.signature-key must not be empty/);
  });

  it('readWebhookConfig tells which keys came from which macros, names only', () => {
    const path = file('token', 'file-token');
    const toml = webhookToml(
      'signature-key = "%{env:HOOK_KEY}%"',
      `auth.token = "%{file:${path}}%"`,
      'headers = ["X-A: 1", "X-B: %{env:B}%"]',
    );
    const { sources } = readWebhookConfig(toml, { env: { HOOK_KEY: secret, B: secret } });
    assert.deepEqual(
      sources.get('ops')?.map(({ key, option, index, from }) => ({ key, option, index, from })),
      [
        { key: 'webhook."ops".signature-key', option: 'signatureKey', index: undefined, from: ['%{env:HOOK_KEY}%'] },
        { key: 'webhook."ops".auth.token', option: 'auth.token', index: undefined, from: [`%{file:${path}}%`] },
        { key: 'webhook."ops".headers[1]', option: 'headers', index: 1, from: ['%{env:B}%'] },
      ],
    );
    assert.ok(!JSON.stringify([...(sources.get('ops') ?? [])]).includes(secret));
  });

  it('the processor does not log a url or an events pattern that came from a macro', async () => {
    const lines: string[] = [];
    const record = (...args: unknown[]): void => {
      lines.push(args.map(String).join(' '));
    };
    diag.setLogger(
      { error: record, warn: record, info: record, debug: record, verbose: record },
      { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
    );
    try {
      const toml = webhookToml().replace('https://hooks.example.org/x', '%{env:URL}%').replace('events = ["*"]', 'events = ["%{env:E}%"]');
      const processor = new WebhookLogRecordProcessor(only(toml, { URL: 'https://private-s3cret.example/hook', E: 's3cret.pattern' }));
      await processor.shutdown();
    } finally {
      diag.disable();
    }
    const logged = lines.join('\n');
    assert.match(logged, /sending to the url from %\{env:URL\}%/);
    assert.match(logged, /an events pattern \(from %\{env:E\}%\) matches no known event type/);
    assert.ok(!logged.includes('s3cret'), logged);
  });
});
