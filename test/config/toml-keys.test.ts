import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebhookConfigError } from '../../src/config/errors.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { configError, fixtureText, webhookToml } from '../helpers/config-files.ts';

describe('parseWebhookConfig: keys', () => {
  it('reads every key and ignores the rest of a Stalwart configuration', () => {
    assert.deepEqual(parseWebhookConfig(fixtureText('all-keys.toml')), [
      {
        id: 'ops',
        url: 'https://hooks.example.org/stalwart',
        events: ['auth.*', '!auth.success', 'security.*'],
        timeoutMillis: 10_000,
        throttleMillis: 500,
        signatureKey: 'ops-signing-key',
        signatureScheme: 'stalwart',
        proxy: 'http://proxy.example.org:3128',
        headers: ['X-Team: mail', 'X-Env:  production '],
        allowInvalidCerts: true,
        lossy: true,
        discardAfterMillis: 7_200_000,
        enable: true,
        level: 'warn',
        maxBatchEvents: 50,
        maxBatchBytes: 65_536,
        retryMaxMillis: 120_000,
        shutdownTimeoutMillis: 5_000,
        maxQueueEvents: 5_000,
        maxQueueBytes: 1_048_576,
        spoolDir: 'var/spool/webhooks',
        spoolMaxBytes: 10_485_760,
        auth: { token: 'ops-bearer-token' },
        tls: { serverName: 'hooks.example.org', minVersion: 'TLSv1.3' },
      },
      {
        id: 'archive',
        url: 'http://127.0.0.1:8080/events',
        events: ['*'],
        timeoutMillis: 2_500,
        enable: false,
        auth: { username: 'archiver', secret: 'archive-password' },
      },
    ]);
  });

  it('every parsed webhook resolves, with the values it was given', () => {
    const [ops, archive] = parseWebhookConfig(fixtureText('all-keys.toml')).map(resolveWebhookOptions);
    assert.equal(ops?.authorization, 'Bearer ops-bearer-token');
    assert.deepEqual(ops?.headers, { 'X-Team': 'mail', 'X-Env': 'production' });
    assert.equal(ops?.minSeverity, 13);
    assert.equal(archive?.enable, false);
    assert.equal(archive?.authKind, 'basic');
  });

  it('defaults apply to every key left out', () => {
    const [archive] = parseWebhookConfig(fixtureText('all-keys.toml')).slice(1).map(resolveWebhookOptions);
    assert.equal(archive?.throttleMillis, 1_000);
    assert.equal(archive?.discardAfterMillis, 300_000);
    assert.equal(archive?.retryMaxMillis, 60_000);
    assert.equal(archive?.shutdownTimeoutMillis, 30_000);
    assert.equal(archive?.maxQueueEvents, 100_000);
    assert.equal(archive?.maxQueueBytes, 67_108_864);
    assert.equal(archive?.spoolDir, undefined);
    assert.equal(archive?.spoolMaxBytes, 67_108_864);
    assert.equal(archive?.lossy, false);
    assert.equal(archive?.allowInvalidCerts, false);
  });

  it('an invalid glob is a config error naming the key, the pattern and the line', () => {
    assert.throws(
      () => parseWebhookConfig(webhookToml().replace('events = ["*"]', 'events = ["auth.*", "auth.["]')),
      (error: WebhookConfigError) =>
        error.code === 'ERR_WEBHOOK_INVALID_PATTERN' &&
        error.line === 3 &&
        error.message === 'webhook."ops".events has an invalid pattern "auth.[" at index 1 (line 3)',
    );
  });

  it('credentials in the url become Basic auth and are not sent in the url', () => {
    const resolved = resolveWebhookOptions({ id: 'u', url: 'https://user:p%40ss@hooks.example.org/x', events: ['*'] });
    assert.equal(resolved.authKind, 'basic');
    assert.equal(resolved.authorization, `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('credentials in the url cannot be combined with auth', () => {
    assert.throws(
      () => parseWebhookConfig(webhookToml('auth.token = "t"').replace('https://', 'https://user:pw@')),
      (error: WebhookConfigError) =>
        error.code === 'ERR_WEBHOOK_INVALID_VALUE' &&
        /cannot be combined with credentials in url/.test(error.message) &&
        !error.message.includes('pw'),
    );
  });

  it('a document without webhook tables has no webhooks', () => {
    assert.deepEqual(parseWebhookConfig('[server]\nhostname = "mx"\n[tracer."log"]\nlevel = "info"\n'), []);
    assert.deepEqual(parseWebhookConfig(''), []);
  });

  it('an empty webhook table is not a webhook', () => {
    assert.deepEqual(parseWebhookConfig('[webhook."later"]\n'), []);
  });

  it('durations may be strings with a unit or integers of milliseconds', () => {
    const [options] = parseWebhookConfig(webhookToml('timeout = "2 M"', 'throttle = 250', 'discard-after = "1d"'));
    assert.equal(options?.timeoutMillis, 120_000);
    assert.equal(options?.throttleMillis, 250);
    assert.equal(options?.discardAfterMillis, 86_400_000);
  });

  it('auth may be written as dotted keys, a sub-table or an inline table', () => {
    const expected = { username: 'account', secret: 'password' };
    const dotted = webhookToml('auth.username = "account"', 'auth.secret = "password"');
    const inline = webhookToml('auth = { username = "account", secret = "password" }');
    const table = webhookToml('[webhook."ops".auth]', 'username = "account"', 'secret = "password"');
    for (const toml of [dotted, inline, table]) assert.deepEqual(parseWebhookConfig(toml)[0]?.auth, expected);
  });

  it('enable = false is parsed, validated and kept', () => {
    assert.equal(parseWebhookConfig(webhookToml('enable = false'))[0]?.enable, false);
    assert.equal(
      configError(() => parseWebhookConfig(webhookToml('enable = false', 'timeout = "x"'))).code,
      'ERR_WEBHOOK_INVALID_DURATION',
    );
  });
});
