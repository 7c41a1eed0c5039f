import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebhookConfigErrorCode } from '../../src/config/errors.ts';
import type { WebhookOptions } from '../../src/config/options.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { configError, loose } from '../helpers/config-files.ts';

describe('resolveWebhookOptions: errors name the option and the value', () => {
  const cases: Array<{ patch: Record<string, unknown>; code: WebhookConfigErrorCode; message: string }> = [
    { patch: { id: '' }, code: 'ERR_WEBHOOK_INVALID_VALUE', message: 'id must not be empty' },
    { patch: { id: 7 }, code: 'ERR_WEBHOOK_INVALID_TYPE', message: 'id must be a string, got 7' },
    { patch: { url: undefined }, code: 'ERR_WEBHOOK_MISSING_KEY', message: 'url: missing (webhook "ops")' },
    {
      patch: { url: 'ftp://x' },
      code: 'ERR_WEBHOOK_INVALID_URL',
      message: 'url must be an http: or https: URL, got "ftp://x" (webhook "ops")',
    },
    {
      patch: { url: 'ftp://u:p@x/' },
      code: 'ERR_WEBHOOK_INVALID_URL',
      message: 'url must be an http: or https: URL, got "ftp://***@x/" (webhook "ops")',
    },
    {
      patch: { url: 'http://u:p/q@x' },
      code: 'ERR_WEBHOOK_INVALID_URL',
      message: 'url must be an http: or https: URL, got "http://***@x" (webhook "ops")',
    },
    {
      patch: { url: 'hooks.example.org' },
      code: 'ERR_WEBHOOK_INVALID_URL',
      message: 'url must be an http: or https: URL, got "hooks.example.org" (webhook "ops")',
    },
    { patch: { events: undefined }, code: 'ERR_WEBHOOK_MISSING_KEY', message: 'events: missing (webhook "ops")' },
    {
      patch: { events: 'auth.*' },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'events must be an array of event patterns, got "auth.*" (webhook "ops")',
    },
    {
      patch: { events: [] },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'events must list at least one event pattern, got [] (webhook "ops")',
    },
    {
      patch: { events: ['auth.*', 3] },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'events must contain only strings, got 3 at index 1 (webhook "ops")',
    },
    {
      patch: { events: ['!'] },
      code: 'ERR_WEBHOOK_INVALID_PATTERN',
      message: 'events must not contain an empty pattern, got "!" at index 0 (webhook "ops")',
    },
    {
      patch: { timeoutMillis: -5 },
      code: 'ERR_WEBHOOK_INVALID_DURATION',
      message: 'timeoutMillis must be a positive integer, got -5 (webhook "ops")',
    },
    {
      patch: { throttleMillis: 1.5 },
      code: 'ERR_WEBHOOK_INVALID_DURATION',
      message: 'throttleMillis must be a positive integer, got 1.5 (webhook "ops")',
    },
    {
      patch: { discardAfterMillis: '5m' },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'discardAfterMillis must be a number of milliseconds, got "5m" (webhook "ops")',
    },
    {
      patch: { timeout: '1m30s' },
      code: 'ERR_WEBHOOK_INVALID_DURATION',
      message: 'timeout: expected a duration like "30s", got "1m30s" (webhook "ops")',
    },
    { patch: { throttle: 5 }, code: 'ERR_WEBHOOK_INVALID_TYPE', message: 'throttle must be a duration like "30s", got 5 (webhook "ops")' },
    {
      patch: { timeout: '30d' },
      code: 'ERR_WEBHOOK_INVALID_DURATION',
      message: 'timeout must be at most 2147483647ms (about 24.8 days), got "30d" (webhook "ops")',
    },
    {
      patch: { timeout: '1s', timeoutMillis: 1000 },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'timeout cannot be combined with timeoutMillis (webhook "ops")',
    },
    { patch: { signatureKey: '' }, code: 'ERR_WEBHOOK_INVALID_VALUE', message: 'signatureKey must not be empty (webhook "ops")' },
    {
      patch: { headers: 'X-A: 1' },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'headers must be a list of "Name: value" strings or an object, got a string (webhook "ops")',
    },
    {
      patch: { headers: ['X-A 1'] },
      code: 'ERR_WEBHOOK_INVALID_HEADER',
      message: 'headers: expected "Name: value", got a line without ":" at index 0 (webhook "ops")',
    },
    {
      patch: { headers: ['X-A: 1\n2'] },
      code: 'ERR_WEBHOOK_INVALID_HEADER',
      message: 'headers: invalid header value (control characters) in header "X-A" at index 0 (webhook "ops")',
    },
    {
      patch: { headers: { 'X-A': 1 } },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'headers must map names to strings, got a number for header "X-A" (webhook "ops")',
    },
    {
      patch: { headers: ['X-A: 1', 'x-a: 2'] },
      code: 'ERR_WEBHOOK_INVALID_HEADER',
      message: 'headers: "x-a" is given more than once (webhook "ops")',
    },
    {
      patch: { headers: { 'content-type': 'text/plain' } },
      code: 'ERR_WEBHOOK_RESERVED_HEADER',
      message: 'headers: "content-type" is set by the exporter and cannot be configured (webhook "ops")',
    },
    {
      patch: { headers: ['Authorization: Basic abc'], auth: { token: 't' } },
      code: 'ERR_WEBHOOK_RESERVED_HEADER',
      message: 'headers: "Authorization" cannot be configured together with auth (webhook "ops")',
    },
    { patch: { auth: 'token' }, code: 'ERR_WEBHOOK_INVALID_TYPE', message: 'auth must be an object, got a string (webhook "ops")' },
    {
      patch: { auth: { secret: 's' } },
      code: 'ERR_WEBHOOK_MISSING_KEY',
      message: 'auth.username: missing, auth.secret needs it (webhook "ops")',
    },
    {
      patch: { auth: { username: '', secret: 's' } },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'auth.username must not be empty (webhook "ops")',
    },
    {
      patch: { auth: { username: 'a:b', secret: 's' } },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'auth.username must not contain ":", got "a:b" (webhook "ops")',
    },
    {
      patch: { auth: { username: 'u', secret: 's', token: 't' } },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'auth.token cannot be combined with auth.username/auth.secret (webhook "ops")',
    },
    { patch: { lossy: 'yes' }, code: 'ERR_WEBHOOK_INVALID_TYPE', message: 'lossy must be true or false, got "yes" (webhook "ops")' },
    {
      patch: { allowInvalidCerts: 1 },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'allowInvalidCerts must be true or false, got 1 (webhook "ops")',
    },
    {
      patch: { level: 'WARN' },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'level must be one of trace, debug, info, warn, error, got "WARN" (webhook "ops")',
    },
    {
      patch: { maxBatchEvents: 0 },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'maxBatchEvents must be an integer of at least 1, got 0 (webhook "ops")',
    },
    {
      patch: { maxBatchBytes: 1023 },
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'maxBatchBytes must be an integer of at least 1024, got 1023 (webhook "ops")',
    },
    {
      patch: { maxBatchBytes: '1MB' },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'maxBatchBytes must be a number, got "1MB" (webhook "ops")',
    },
    {
      patch: { eventType: 'auth.success' },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'eventType must be a function, got "auth.success" (webhook "ops")',
    },
    {
      patch: { ca: [1] },
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'ca must be a PEM string or an array of them, got an array (webhook "ops")',
    },
    { patch: { ca: '' }, code: 'ERR_WEBHOOK_INVALID_VALUE', message: 'ca must not contain an empty certificate (webhook "ops")' },
  ];

  for (const { patch, code, message } of cases) {
    it(`${code}: ${message}`, () => {
      const error = configError(() => resolveWebhookOptions(loose(patch)));
      assert.equal(error.code, code);
      assert.equal(error.message, message);
      assert.equal(error.line, undefined);
    });
  }

  it('long values are cut in messages', () => {
    const error = configError(() => resolveWebhookOptions(loose({ level: 'x'.repeat(200) })));
    assert.ok(error.message.length < 150, error.message);
    assert.match(error.message, /got "x+\.\.\./);
  });

  it('rejects a value that is not an options object', () => {
    const error = configError(() => resolveWebhookOptions(null as unknown as WebhookOptions));
    assert.equal(error.code, 'ERR_WEBHOOK_INVALID_TYPE');
    assert.equal(error.message, 'options must be an object, got null');
  });
});
