import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFormat } from '../../src/config/detect-format.ts';
import { parseWebhookConfig, readWebhookConfig } from '../../src/config/read-config.ts';
import { onlyWebhook, tempFiles } from '../helpers/config-files.ts';

const { file } = tempFiles('otel-webhooks-registry-');

const URL_ = 'https://hooks.example.com/stalwart';

/** One WebHook object as JSON text, `patch` over a minimal one. */
const webhook = (patch: Record<string, unknown> = {}): string => JSON.stringify({ id: 'w1', url: URL_, ...patch });

const only = onlyWebhook;

describe('registry WebHook JSON: properties', () => {
  it('every property maps onto its option', () => {
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

  it('defaults: no events and no policy is every event, as Stalwart’s default "exclude" with an empty set', () => {
    assert.deepEqual(only(webhook()), { id: 'w1', url: URL_, events: ['*'] });
  });

  it('eventsPolicy "exclude" is every event but the listed ones', () => {
    const text = webhook({ events: { 'auth.success': true, 'auth.failed': true }, eventsPolicy: 'exclude' });
    assert.deepEqual(only(text).events, ['*', '!auth.success', '!auth.failed']);
  });

  it('events set to false or null are left out, as Stalwart leaves them out', () => {
    const text = webhook({ events: { 'auth.success': true, 'auth.failed': false, 'auth.error': null }, eventsPolicy: 'include' });
    assert.deepEqual(only(text).events, ['auth.success']);
  });

  it('level is accepted and not applied: Stalwart ignores it for webhooks', () => {
    assert.equal(only(webhook({ level: 'error' })).level, undefined);
  });

  it('httpAuth Bearer with a token from an environment variable (its name trimmed)', () => {
    const text = webhook({
      httpAuth: { '@type': 'Bearer', bearerToken: { '@type': 'EnvironmentVariable', variableName: ' HOOK_TOKEN ' } },
    });
    assert.deepEqual(only(text, { HOOK_TOKEN: 'tok' }).auth, { token: 'tok' });
  });

  it('httpAuth Unauthenticated is no auth', () => {
    assert.equal(only(webhook({ httpAuth: { '@type': 'Unauthenticated' } })).auth, undefined);
  });

  it('a File secret loses its trailing whitespace, as in Stalwart 0.16', () => {
    const path = file('key', '  key with spaces \r\n\t\n');
    assert.equal(only(webhook({ signatureKey: { '@type': 'File', filePath: path } })).signatureKey, '  key with spaces');
  });

  it('signatureKey None is no signature', () => {
    assert.equal(only(webhook({ signatureKey: { '@type': 'None' } })).signatureKey, undefined);
  });

  it('readWebhookConfig tells where secrets came from, names only', () => {
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

  it('an array of objects; an object without id takes its url’s host and path, made unique', () => {
    const text = JSON.stringify([body, body, { ...body, url: 'https://other.example/' }]);
    assert.deepEqual(
      parseWebhookConfig(text).map((w) => w.id),
      ['hooks.example.com/stalwart', 'hooks.example.com/stalwart#2', 'other.example'],
    );
  });

  it('a JMAP x:WebHook/get response, its arguments or the whole envelope, with ids from "id"', () => {
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

  it('stalwart-cli snapshot NDJSON: upsert and create lines; destroys and other objects skipped; ids from the keys', () => {
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

  it('a single snapshot line is read as a snapshot', () => {
    const line = JSON.stringify({ '@type': 'upsert', object: 'WebHook', matchOn: ['url'], value: { 'webhook-x': body } });
    assert.deepEqual(
      parseWebhookConfig(line).map((w) => w.id),
      ['x'],
    );
  });

  it('the content decides the form: TOML tables start with [ too', () => {
    assert.equal(detectFormat('[webhook."x"]\nurl = "https://a"\n'), 'toml');
    assert.equal(detectFormat('\uFEFF  [\n  { "url": "https://a" }]'), 'json');
    assert.equal(detectFormat('[]'), 'json');
    assert.equal(detectFormat('{"url":"https://a"}'), 'json');
    assert.equal(detectFormat('# comment\n{'), 'toml');
    assert.deepEqual(parseWebhookConfig('[]'), []);
  });
});
