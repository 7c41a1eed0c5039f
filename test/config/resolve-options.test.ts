import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertUniqueIds, resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { base, configError, loose } from '../helpers/config-files.ts';

describe('resolveWebhookOptions', () => {
  it('applies every default and freezes the result', () => {
    const resolved = resolveWebhookOptions(base);
    assert.equal(resolved.id, 'ops');
    assert.equal(resolved.url.href, 'https://hooks.example.org/x');
    assert.deepEqual(resolved.events, ['*']);
    assert.equal(resolved.timeoutMillis, 30_000);
    assert.equal(resolved.throttleMillis, 1_000);
    assert.equal(resolved.discardAfterMillis, 300_000);
    assert.equal(resolved.signatureKey, undefined);
    assert.deepEqual(resolved.headers, {});
    assert.equal(resolved.allowInvalidCerts, false);
    assert.equal(resolved.authorization, undefined);
    assert.equal(resolved.authKind, 'none');
    assert.equal(resolved.lossy, false);
    assert.equal(resolved.enable, true);
    assert.equal(resolved.level, undefined);
    assert.equal(resolved.minSeverity, 0);
    assert.equal(resolved.maxBatchEvents, 1_000);
    assert.equal(resolved.maxBatchBytes, 1_048_576);
    assert.equal(resolved.eventType, undefined);
    assert.equal(resolved.ca, undefined);
    assert.ok(Object.isFrozen(resolved) && Object.isFrozen(resolved.events) && Object.isFrozen(resolved.headers));
  });

  it('does not share arrays with the options it was given', () => {
    const events = ['auth.*'];
    const resolved = resolveWebhookOptions({ ...base, events });
    events.push('queue.*');
    assert.deepEqual(resolved.events, ['auth.*']);
  });

  it('takes durations as milliseconds or as Stalwart strings', () => {
    const resolved = resolveWebhookOptions({ ...base, timeout: '5s', throttleMillis: 200, discardAfter: '1h' });
    assert.equal(resolved.timeoutMillis, 5_000);
    assert.equal(resolved.throttleMillis, 200);
    assert.equal(resolved.discardAfterMillis, 3_600_000);
  });

  it('accepts durations up to the timer limit of 2^31-1 ms', () => {
    assert.equal(resolveWebhookOptions({ ...base, timeoutMillis: 2 ** 31 - 1 }).timeoutMillis, 2 ** 31 - 1);
    assert.equal(configError(() => resolveWebhookOptions({ ...base, timeoutMillis: 2 ** 31 })).code, 'ERR_WEBHOOK_INVALID_DURATION');
  });

  it('maps level to the OTel severity number', () => {
    const expected = { trace: 1, debug: 5, info: 9, warn: 13, error: 17 } as const;
    for (const [level, severity] of Object.entries(expected)) {
      assert.equal(resolveWebhookOptions(loose({ level })).minSeverity, severity);
    }
  });

  it('builds Basic authorization from the UTF-8 username and secret', () => {
    const resolved = resolveWebhookOptions({ ...base, auth: { username: 'account', secret: 'password' } });
    assert.equal(resolved.authKind, 'basic');
    assert.equal(resolved.authorization, 'Basic YWNjb3VudDpwYXNzd29yZA==');
    const utf8 = resolveWebhookOptions({ ...base, auth: { username: 'jürgen', secret: 'pässwörd' } });
    const encoded = utf8.authorization?.replace(/^Basic /, '') ?? '';
    assert.equal(Buffer.from(encoded, 'base64').toString('utf8'), 'jürgen:pässwörd');
  });

  it('builds Bearer authorization from a token', () => {
    const resolved = resolveWebhookOptions({ ...base, auth: { token: 'abc.def' } });
    assert.equal(resolved.authKind, 'bearer');
    assert.equal(resolved.authorization, 'Bearer abc.def');
  });

  it('takes headers as lines or as a map, keeping the configured names', () => {
    const fromLines = resolveWebhookOptions({ ...base, headers: ['X-Team: mail', 'x-trace:  on'] });
    const fromMap = resolveWebhookOptions({ ...base, headers: { 'X-Team': 'mail', 'x-trace': 'on' } });
    assert.deepEqual(fromLines.headers, { 'X-Team': 'mail', 'x-trace': 'on' });
    assert.deepEqual(fromMap.headers, fromLines.headers);
  });

  it('allows an Authorization header when auth is not set', () => {
    const resolved = resolveWebhookOptions({ ...base, headers: ['Authorization: Token abc'] });
    assert.deepEqual(resolved.headers, { Authorization: 'Token abc' });
  });

  it('accepts events made only of exclusions', () => {
    assert.deepEqual(resolveWebhookOptions({ ...base, events: ['!auth.*'] }).events, ['!auth.*']);
  });

  it('accepts a URL with credentials', () => {
    assert.equal(resolveWebhookOptions({ ...base, url: 'https://u:p@hooks.example.org/' }).url.username, 'u');
  });

  it('keeps code-only options: eventType and ca', () => {
    const eventType = (): string => 'auth.success';
    assert.equal(resolveWebhookOptions({ ...base, eventType }).eventType, eventType);
    assert.deepEqual(resolveWebhookOptions({ ...base, ca: 'PEM' }).ca, ['PEM']);
    assert.deepEqual(resolveWebhookOptions({ ...base, ca: ['A', 'B'] }).ca, ['A', 'B']);
  });

  it('accepts the smallest batch limits', () => {
    const resolved = resolveWebhookOptions({ ...base, maxBatchEvents: 1, maxBatchBytes: 1024 });
    assert.equal(resolved.maxBatchEvents, 1);
    assert.equal(resolved.maxBatchBytes, 1024);
  });
});

describe('assertUniqueIds', () => {
  it('accepts distinct ids', () => {
    assert.doesNotThrow(() => assertUniqueIds([base, { ...base, id: 'audit' }]));
  });

  it('rejects an id used twice', () => {
    const error = configError(() => assertUniqueIds([base, { ...base, id: 'audit' }, { ...base }]));
    assert.equal(error.code, 'ERR_WEBHOOK_DUPLICATE_ID');
    assert.equal(error.message, 'id "ops" is used by more than one webhook');
  });
});
