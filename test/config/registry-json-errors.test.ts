import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { configError, onlyWebhook, tempFiles } from '../helpers/config-files.ts';

const { file } = tempFiles('otel-webhooks-registry-errors-');

const URL_ = 'https://hooks.example.com/stalwart';

/** One WebHook object as JSON text, `patch` over a minimal one. */
const webhook = (patch: Record<string, unknown> = {}): string => JSON.stringify({ id: 'w1', url: URL_, ...patch });

const only = onlyWebhook;

describe('registry WebHook JSON: errors name the property path and the value, never a secret', () => {
  const cases: { name: string; patch: Record<string, unknown>; code: string; message: string }[] = [
    {
      name: 'an unknown property',
      patch: { evnts: {} },
      code: 'ERR_WEBHOOK_UNKNOWN_KEY',
      message: 'WebHook."w1".evnts: unknown WebHook property, did you mean "events"?',
    },
    {
      name: 'a duration as text',
      patch: { timeout: '30s' },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'WebHook."w1".timeout must be a number of milliseconds, got "30s"',
    },
    {
      name: 'a zero duration',
      patch: { throttle: 0 },
      code: 'ERR_WEBHOOK_INVALID_DURATION',
      message: 'WebHook."w1".throttle must be a positive integer, got 0',
    },
    {
      name: 'an unknown level',
      patch: { level: 'loud' },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'WebHook."w1".level must be one of "error", "warn", "info", "debug", "trace", got "loud"',
    },
    {
      name: 'an unknown policy',
      patch: { eventsPolicy: 'only' },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'WebHook."w1".eventsPolicy must be "include" or "exclude", got "only"',
    },
    {
      name: 'include with no events',
      patch: { eventsPolicy: 'include', events: { 'auth.success': false } },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'WebHook."w1".events: no event enabled, and eventsPolicy is "include": nothing would be sent',
    },
    {
      name: 'a wildcard event',
      patch: { events: { 'auth.*': true } },
      code: 'ERR_WEBHOOK_INVALID_PATTERN',
      message: 'WebHook."w1".events."auth.*": not an event name; registry events are exact names like "auth.success", without wildcards',
    },
    {
      name: 'an event that is not true',
      patch: { events: { 'auth.success': 1 } },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'WebHook."w1".events."auth.success" must be true (or false to leave it out), got 1',
    },
    {
      name: 'an empty header value',
      patch: { httpHeaders: { 'X-A': ' ' } },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'WebHook."w1".httpHeaders."X-A" must not be empty',
    },
    {
      name: 'a bad url',
      patch: { url: 'ftp://x' },
      code: 'ERR_WEBHOOK_INVALID_URL',
      message: 'WebHook."w1".url must be an http: or https: URL, got "ftp://x"',
    },
    {
      name: 'an unknown @type',
      patch: { httpAuth: { '@type': 'Digest' } },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'WebHook."w1".httpAuth.@type must be one of "Unauthenticated", "Basic", "Bearer", got "Digest"',
    },
    {
      name: 'a missing @type',
      patch: { signatureKey: { secret: 'x' } },
      code: 'ERR_WEBHOOK_MISSING_KEY',
      message: 'WebHook."w1".signatureKey: "@type" is missing; expected one of "None", "Value", "EnvironmentVariable", "File"',
    },
    {
      name: 'an unknown property of a variant',
      patch: { httpAuth: { '@type': 'Bearer', token: 'x' } },
      code: 'ERR_WEBHOOK_UNKNOWN_KEY',
      message: 'WebHook."w1".httpAuth.token: unknown property of "Bearer" (it has "@type", "bearerToken")',
    },
    {
      name: 'None where a secret is required',
      patch: { httpAuth: { '@type': 'Bearer', bearerToken: { '@type': 'None' } } },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'WebHook."w1".httpAuth.bearerToken.@type must be one of "Value", "EnvironmentVariable", "File", got "None"',
    },
    {
      name: 'a secret masked by x:WebHook/get',
      patch: { signatureKey: { '@type': 'Value', secret: '****' } },
      code: 'ERR_WEBHOOK_SECRET',
      message:
        'WebHook."w1".signatureKey.secret: masked by the server (x:WebHook/get and snapshots show secrets as "****"): give the secret, or use "EnvironmentVariable" or "File"',
    },
    {
      name: 'a secret left out of a snapshot',
      patch: { httpAuth: { '@type': 'Basic', username: 'u', secret: { '@type': 'Value' } } },
      code: 'ERR_WEBHOOK_SECRET',
      message:
        'WebHook."w1".httpAuth.secret.secret: missing; a snapshot taken without --include-secrets leaves secrets out: give the secret, or use "EnvironmentVariable" or "File"',
    },
    {
      name: 'an unset environment variable',
      patch: { signatureKey: { '@type': 'EnvironmentVariable', variableName: 'NOPE' } },
      code: 'ERR_WEBHOOK_SECRET',
      message: 'WebHook."w1".signatureKey.variableName: the environment variable "NOPE" is not set',
    },
    {
      name: 'an empty environment variable',
      patch: { signatureKey: { '@type': 'EnvironmentVariable', variableName: 'EMPTY' } },
      code: 'ERR_WEBHOOK_SECRET',
      message: 'WebHook."w1".signatureKey.variableName: the environment variable "EMPTY" is empty',
    },
    {
      name: 'a missing file',
      patch: { signatureKey: { '@type': 'File', filePath: '/nonexistent/otel-webhooks/key' } },
      code: 'ERR_WEBHOOK_SECRET',
      message: 'WebHook."w1".signatureKey.filePath: cannot read "/nonexistent/otel-webhooks/key": no such file',
    },
  ];
  for (const { name, patch, code, message } of cases) {
    it(name, () => {
      const error = configError(() => only(webhook(patch), { EMPTY: '' }));
      assert.equal(error.code, code);
      assert.equal(error.message, message);
    });
  }

  it('a file secret of only whitespace is empty', () => {
    const path = file('blank', ' \n\n');
    const error = configError(() => only(webhook({ signatureKey: { '@type': 'File', filePath: path } })));
    assert.equal(error.message, `WebHook."w1".signatureKey.filePath: ${JSON.stringify(path)} is empty`);
  });

  it('an NDJSON error names its line', () => {
    const lines = [webhook(), webhook({ id: 'w2', lossy: 'yes' })].join('\n');
    const error = configError(() => parseWebhookConfig(lines));
    assert.equal(error.line, 2);
    assert.equal(error.message, 'WebHook."w2".lossy must be true or false, got "yes" (line 2)');
  });

  it('invalid JSON gives line and column, without quoting the source', () => {
    const error = configError(() =>
      parseWebhookConfig('{\n  "url": "https://a",\n  "signatureKey": {"@type": "Value", "secret": "s3cret",}\n}'),
    );
    assert.equal(error.code, 'ERR_WEBHOOK_JSON');
    assert.equal(error.message, 'invalid JSON: Expected double-quoted property name (line 3, column 57)');
    const unexpected = configError(() => parseWebhookConfig('{"secret": s3cret}'));
    assert.equal(unexpected.message, 'invalid JSON: Unexpected character');
  });

  it('no secret in any error: wrong types of secrets are described, not shown', () => {
    const secret = 'tok-s3cret';
    for (const patch of [
      { signatureKey: { '@type': 'Value', secret: [secret] } },
      { httpAuth: { '@type': 'Bearer', bearerToken: { '@type': 'Value', secret: `${secret}\n` } } },
      { httpAuth: { '@type': 'Basic', username: 'u', secret: { '@type': 'Value', secret: { secret } } } },
      { httpHeaders: { Authorization: `Bearer ${secret}\u0000` } },
    ]) {
      const error = configError(() => only(webhook(patch)));
      assert.ok(!error.message.includes('s3cret'), error.message);
    }
  });

  it('a snapshot operation that cannot be read', () => {
    const line = JSON.stringify({ '@type': 'update', object: 'WebHook', id: '#webhook-x', value: { url: URL_ } });
    assert.match(configError(() => parseWebhookConfig(line)).message, /a "update" operation on WebHook cannot be read/);
  });
});
