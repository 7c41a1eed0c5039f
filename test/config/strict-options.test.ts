import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNoopMeter } from '@opentelemetry/api';
import { WebhookConfigError } from '../../src/config/errors.ts';
import type { WebhookOptions } from '../../src/config/options.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { createWebhookProcessors } from '../../src/create-webhook-processors.ts';
import { base, configError, loose, webhookToml } from '../helpers/config-files.ts';

describe('options in code are as strict as TOML keys', () => {
  const cases: Array<{ patch: Record<string, unknown>; key: string; message: string }> = [
    { patch: { timout: '3s' }, key: 'timout', message: 'timout: unknown option, did you mean "timeout"? (webhook "ops")' },
    {
      patch: { throttleMilis: 200 },
      key: 'throttleMilis',
      message: 'throttleMilis: unknown option, did you mean "throttleMillis"? (webhook "ops")',
    },
    {
      patch: { 'signature-key': 'k' },
      key: 'signature-key',
      message: 'signature-key: unknown option, did you mean "signatureKey"? (webhook "ops")',
    },
    {
      patch: { allow_invalid_certs: true },
      key: 'allow_invalid_certs',
      message: 'allow_invalid_certs: unknown option, did you mean "allowInvalidCerts"? (webhook "ops")',
    },
    { patch: { colour: 'blue' }, key: 'colour', message: 'colour: unknown option (webhook "ops")' },
    {
      patch: { auth: { usrname: 'a', secret: 's' } },
      key: 'auth.usrname',
      message: 'auth.usrname: unknown option, did you mean "username"? (webhook "ops")',
    },
  ];
  for (const { patch, key, message } of cases) {
    it(`an unknown option is an error naming it: ${message}`, () => {
      const error = configError(() => resolveWebhookOptions(loose(patch)));
      assert.equal(error.code, 'ERR_WEBHOOK_UNKNOWN_KEY');
      assert.equal(error.key, key);
      assert.equal(error.message, message);
    });
  }

  it('a misspelt option does not fall back to the default: `timout` is refused, not run with 30 s', () => {
    assert.throws(() => resolveWebhookOptions(loose({ timout: '3s' })), WebhookConfigError);
    assert.equal(resolveWebhookOptions({ ...base, timeout: '3s' }).timeoutMillis, 3_000);
  });

  it('an unknown option set to undefined is still refused', () => {
    assert.equal(configError(() => resolveWebhookOptions(loose({ timout: undefined }))).key, 'timout');
  });

  it('every documented option is accepted, with durations as strings', () => {
    const options: Required<Omit<WebhookOptions, `${string}Millis`>> = {
      ...base,
      timeout: '5s',
      throttle: '2s',
      signatureKey: 'k',
      signatureScheme: 'stalwart',
      proxy: 'http://proxy.example:3128',
      tls: { serverName: 'hooks.example', minVersion: 'TLSv1.3' },
      headers: ['X-Team: mail'],
      allowInvalidCerts: true,
      auth: { username: 'u', secret: 's' },
      lossy: true,
      discardAfter: '1h',
      enable: true,
      deliverOnExit: false,
      level: 'warn',
      maxBatchEvents: 10,
      maxBatchBytes: 2048,
      retryMax: '2m',
      shutdownTimeout: '3s',
      maxQueueEvents: 100,
      maxQueueBytes: 4096,
      spoolDir: 'spool',
      spoolMaxBytes: 65_536,
      spoolSync: 'event',
      spoolFsyncInterval: '1s',
      eventType: () => undefined,
      ca: 'PEM',
      selfObsMeterProvider: { getMeter: () => createNoopMeter() },
    };
    const resolved = resolveWebhookOptions(options);
    assert.equal(resolved.timeoutMillis, 5_000);
    assert.equal(resolved.retryMaxMillis, 120_000);
    assert.equal(resolved.shutdownTimeoutMillis, 3_000);
  });

  it('every duration is accepted as milliseconds too', () => {
    const resolved = resolveWebhookOptions({
      ...base,
      timeoutMillis: 1,
      throttleMillis: 2,
      discardAfterMillis: 3,
      retryMaxMillis: 4,
      shutdownTimeoutMillis: 5,
      auth: { token: 't' },
    });
    assert.deepEqual(
      [
        resolved.timeoutMillis,
        resolved.throttleMillis,
        resolved.discardAfterMillis,
        resolved.retryMaxMillis,
        resolved.shutdownTimeoutMillis,
      ],
      [1, 2, 3, 4, 5],
    );
  });

  it('what parseWebhookConfig returns is accepted as options', () => {
    const [options] = parseWebhookConfig(webhookToml('timeout = "5s"', 'retry-max = "1m"', 'auth.token = "t"'));
    assert.equal(resolveWebhookOptions(options as WebhookOptions).timeoutMillis, 5_000);
  });

  it('createWebhookProcessors validates disabled webhooks given in code too', () => {
    const error = configError(() => createWebhookProcessors([loose({ enable: false, timout: '3s' })]));
    assert.equal(error.key, 'timout');
  });
});

describe('a webhook entry that is not a table is a config error', () => {
  const cases: Array<{ name: string; toml: string; key: string; message: string }> = [
    {
      name: 'webhook = 5',
      toml: 'lookup.default.hostname = "mx"\nwebhook = 5\n\n[server]\nhostname = "mx"\n',
      key: 'webhook',
      message: 'webhook must be a table of [webhook."<id>"] tables, got a number (line 2)',
    },
    {
      name: 'an array of tables [[webhook]]',
      toml: '[[webhook]]\nurl = "https://hooks.example.org/x"\nevents = ["*"]\n',
      key: 'webhook',
      message: 'webhook must be a table of [webhook."<id>"] tables, got an array (line 1)',
    },
    {
      name: 'webhook.x = 5',
      toml: '[webhook]\nx = 5\n',
      key: 'webhook."x"',
      message: 'webhook."x" must be a table of webhook options, got a number (line 2)',
    },
    {
      name: 'an array of tables [[webhook."x"]]',
      toml: '[[webhook."x"]]\nurl = "https://hooks.example.org/x"\nevents = ["*"]\n',
      key: 'webhook."x"',
      message: 'webhook."x" must be a table of webhook options, got an array (line 1)',
    },
    {
      name: 'a URL string in place of the table',
      toml: 'webhook.ops = "https://user:S3CR3T@hooks.example.org/x"\n',
      key: 'webhook."ops"',
      message: 'webhook."ops" must be a table of webhook options, got a string (line 1)',
    },
  ];
  for (const { name, toml, key, message } of cases) {
    it(name, () => {
      const error = configError(() => parseWebhookConfig(toml));
      assert.equal(error.code, 'ERR_WEBHOOK_INVALID_TYPE');
      assert.equal(error.key, key);
      assert.equal(error.message, message);
    });
  }

  it('an empty [webhook."later"] table is still no webhook, and no error', () => {
    assert.deepEqual(parseWebhookConfig('[webhook."later"]\n'), []);
  });
});
