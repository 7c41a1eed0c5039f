import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { detectFormat } from '../../src/config/detect-format.ts';
import { WebhookConfigError } from '../../src/config/errors.ts';
import type { WebhookOptions } from '../../src/config/options.ts';
import { parseWebhookConfig, readWebhookConfig } from '../../src/config/read-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'otel-webhooks-registry-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const URL_ = 'https://hooks.example.com/stalwart';

/** One WebHook object as JSON text, `patch` over a minimal one. */
const webhook = (patch: Record<string, unknown> = {}): string => JSON.stringify({ id: 'w1', url: URL_, ...patch });

function only(text: string, env: Record<string, string> = {}): WebhookOptions {
  const webhooks = parseWebhookConfig(text, { env });
  assert.equal(webhooks.length, 1);
  return webhooks[0] as WebhookOptions;
}

function configError(run: () => unknown): WebhookConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof WebhookConfigError, `expected a WebhookConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a WebhookConfigError, nothing was thrown');
}

describe('registry WebHook JSON: properties', () => {
  test('every property maps onto its option', () => {
    const text = JSON.stringify({
      id: 'itezrjaaaeaf',
      url: URL_,
      enable: false,
      allowInvalidCerts: true,
      timeout: 10_000,
      throttle: 500,
      discardAfter: 7_200_000,
      level: 'warn',
      lossy: true,
      httpHeaders: { 'X-Env': ' prod ', ' X-Team': 'mail' },
      events: { 'auth.success': true, 'delivery.completed': true },
      eventsPolicy: 'include',
      signatureKey: { '@type': 'Value', secret: 'signing-key' },
      httpAuth: { '@type': 'Basic', username: ' account ', secret: { '@type': 'Value', secret: 'password' } },
    });
    assert.deepEqual(only(text), {
      id: 'itezrjaaaeaf',
      url: URL_,
      enable: false,
      allowInvalidCerts: true,
      lossy: true,
      timeoutMillis: 10_000,
      throttleMillis: 500,
      discardAfterMillis: 7_200_000,
      headers: { 'X-Env': 'prod', 'X-Team': 'mail' },
      events: ['auth.success', 'delivery.completed'],
      signatureKey: 'signing-key',
      auth: { username: 'account', secret: 'password' },
    });
  });

  test('defaults: no events and no policy is every event, as Stalwart’s default "exclude" with an empty set', () => {
    assert.deepEqual(only(webhook()), { id: 'w1', url: URL_, events: ['*'] });
  });

  test('eventsPolicy "exclude" is every event but the listed ones', () => {
    const text = webhook({ events: { 'auth.success': true, 'auth.failed': true }, eventsPolicy: 'exclude' });
    assert.deepEqual(only(text).events, ['*', '!auth.success', '!auth.failed']);
  });

  test('events set to false or null are left out, as Stalwart leaves them out', () => {
    const text = webhook({ events: { 'auth.success': true, 'auth.failed': false, 'auth.error': null }, eventsPolicy: 'include' });
    assert.deepEqual(only(text).events, ['auth.success']);
  });

  test('level is accepted and not applied: Stalwart ignores it for webhooks', () => {
    assert.equal(only(webhook({ level: 'error' })).level, undefined);
  });

  test('httpAuth Bearer with a token from an environment variable (its name trimmed)', () => {
    const text = webhook({
      httpAuth: { '@type': 'Bearer', bearerToken: { '@type': 'EnvironmentVariable', variableName: ' HOOK_TOKEN ' } },
    });
    assert.deepEqual(only(text, { HOOK_TOKEN: 'tok' }).auth, { token: 'tok' });
  });

  test('httpAuth Unauthenticated is no auth', () => {
    assert.equal(only(webhook({ httpAuth: { '@type': 'Unauthenticated' } })).auth, undefined);
  });

  test('a File secret loses its trailing whitespace, as in Stalwart 0.16', () => {
    const path = file('key', '  key with spaces \r\n\t\n');
    assert.equal(only(webhook({ signatureKey: { '@type': 'File', filePath: path } })).signatureKey, '  key with spaces');
  });

  test('signatureKey None is no signature', () => {
    assert.equal(only(webhook({ signatureKey: { '@type': 'None' } })).signatureKey, undefined);
  });

  test('readWebhookConfig tells where secrets came from, names only', () => {
    const path = file('token', 'tok');
    const text = webhook({
      signatureKey: { '@type': 'EnvironmentVariable', variableName: 'HOOK_KEY' },
      httpAuth: { '@type': 'Bearer', bearerToken: { '@type': 'File', filePath: path } },
    });
    const { format, sources } = readWebhookConfig(text, { env: { HOOK_KEY: 'k' } });
    assert.equal(format, 'json');
    assert.deepEqual(
      sources.get('w1')?.map(({ key, from }) => ({ key, from })),
      [
        { key: 'WebHook."w1".signatureKey', from: ['environment variable "HOOK_KEY"'] },
        { key: 'WebHook."w1".httpAuth.bearerToken', from: [`file ${JSON.stringify(path)}`] },
      ],
    );
  });
});

describe('registry WebHook JSON: the forms it comes in', () => {
  const body = { url: URL_, events: { 'auth.success': true }, eventsPolicy: 'include' };

  test('an array of objects; an object without id takes its url’s host and path, made unique', () => {
    const text = JSON.stringify([body, body, { ...body, url: 'https://other.example/' }]);
    assert.deepEqual(
      parseWebhookConfig(text).map((w) => w.id),
      ['hooks.example.com/stalwart', 'hooks.example.com/stalwart#2', 'other.example'],
    );
  });

  test('a JMAP x:WebHook/get response, its arguments or the whole envelope, with ids from "id"', () => {
    const args = { accountId: 'a', list: [{ ...body, id: 'itezrjaaaeaf' }], notFound: [] };
    assert.deepEqual(
      parseWebhookConfig(JSON.stringify(args)).map((w) => w.id),
      ['itezrjaaaeaf'],
    );
    const envelope = { methodResponses: [['x:WebHook/get', args, 'c1']], sessionState: 's' };
    assert.deepEqual(
      parseWebhookConfig(JSON.stringify(envelope)).map((w) => w.id),
      ['itezrjaaaeaf'],
    );
  });

  test('stalwart-cli snapshot NDJSON: upsert and create lines; destroys and other objects skipped; ids from the keys', () => {
    const lines = [
      JSON.stringify({ '@type': 'destroy', object: 'WebHook' }),
      JSON.stringify({ '@type': 'upsert', object: 'Domain', matchOn: ['name'], value: { 'domain-b': { name: 'example.org' } } }),
      '',
      JSON.stringify({
        '@type': 'upsert',
        object: 'WebHook',
        matchOn: ['url'],
        value: { 'webhook-itezrjaaaeaf': body, 'webhook-b': body },
      }),
      JSON.stringify({ '@type': 'create', object: 'WebHook', value: { 'webhook-older': body } }),
    ];
    assert.deepEqual(
      parseWebhookConfig(lines.join('\n')).map((w) => w.id),
      ['itezrjaaaeaf', 'b', 'older'],
    );
  });

  test('a single snapshot line is read as a snapshot', () => {
    const line = JSON.stringify({ '@type': 'upsert', object: 'WebHook', matchOn: ['url'], value: { 'webhook-x': body } });
    assert.deepEqual(
      parseWebhookConfig(line).map((w) => w.id),
      ['x'],
    );
  });

  test('the content decides the form: TOML tables start with [ too', () => {
    assert.equal(detectFormat('[webhook."x"]\nurl = "https://a"\n'), 'toml');
    assert.equal(detectFormat('\uFEFF  [\n  { "url": "https://a" }]'), 'json');
    assert.equal(detectFormat('[]'), 'json');
    assert.equal(detectFormat('{"url":"https://a"}'), 'json');
    assert.equal(detectFormat('# comment\n{'), 'toml');
    assert.deepEqual(parseWebhookConfig('[]'), []);
  });
});

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
    test(name, () => {
      const error = configError(() => only(webhook(patch), { EMPTY: '' }));
      assert.equal(error.code, code);
      assert.equal(error.message, message);
    });
  }

  test('a file secret of only whitespace is empty', () => {
    const path = file('blank', ' \n\n');
    const error = configError(() => only(webhook({ signatureKey: { '@type': 'File', filePath: path } })));
    assert.equal(error.message, `WebHook."w1".signatureKey.filePath: ${JSON.stringify(path)} is empty`);
  });

  test('an NDJSON error names its line', () => {
    const lines = [webhook(), webhook({ id: 'w2', lossy: 'yes' })].join('\n');
    const error = configError(() => parseWebhookConfig(lines));
    assert.equal(error.line, 2);
    assert.equal(error.message, 'WebHook."w2".lossy must be true or false, got "yes" (line 2)');
  });

  test('invalid JSON gives line and column, without quoting the source', () => {
    const error = configError(() =>
      parseWebhookConfig('{\n  "url": "https://a",\n  "signatureKey": {"@type": "Value", "secret": "s3cret",}\n}'),
    );
    assert.equal(error.code, 'ERR_WEBHOOK_JSON');
    assert.equal(error.message, 'invalid JSON: Expected double-quoted property name (line 3, column 57)');
    const unexpected = configError(() => parseWebhookConfig('{"secret": s3cret}'));
    assert.equal(unexpected.message, 'invalid JSON: Unexpected character');
  });

  test('no secret in any error: wrong types of secrets are described, not shown', () => {
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

  test('a snapshot operation that cannot be read', () => {
    const line = JSON.stringify({ '@type': 'update', object: 'WebHook', id: '#webhook-x', value: { url: URL_ } });
    assert.match(configError(() => parseWebhookConfig(line)).message, /a "update" operation on WebHook cannot be read/);
  });
});
