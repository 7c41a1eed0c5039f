import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { WebhookConfigError, type WebhookConfigErrorCode } from '../../src/config/errors.ts';
import type { WebhookOptions } from '../../src/config/options.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { assertUniqueIds, resolveWebhookOptions } from '../../src/config/resolve-options.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** The WebhookConfigError thrown by `run`. */
function configError(run: () => unknown): WebhookConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof WebhookConfigError, `expected a WebhookConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a WebhookConfigError, nothing was thrown');
}

/** A one-webhook TOML document; `extra` lines follow `url` (line 2) and `events` (line 3). */
const webhookToml = (...extra: string[]): string =>
  ['[webhook."ops"]', 'url = "https://hooks.example.org/x"', 'events = ["*"]', ...extra].join('\n');

const base: WebhookOptions = { id: 'ops', url: 'https://hooks.example.org/x', events: ['*'] };

/** Options that only the caller's code could produce, such as wrong types. */
const loose = (patch: Record<string, unknown>): WebhookOptions => ({ ...base, ...patch }) as WebhookOptions;

describe('parseWebhookConfig: documented examples', () => {
  it('the older seed example (with the commas its events list lacks) gives every value', () => {
    assert.deepEqual(parseWebhookConfig(fixture('seed-older.toml')), [
      {
        id: 'my-webhook',
        url: 'https://example.com/webhook',
        events: [
          'auth.success',
          'auth.failure',
          'auth.banned',
          'auth.error',
          'message.accepted',
          'message.rejected',
          'message.appended',
          'account.over-quota',
          'dsn',
          'double-bounce',
          'report.incoming.dmarc',
          'report.incoming.tls',
          'report.incoming.arf',
          'report.outgoing',
        ],
        timeoutMillis: 30_000,
        throttleMillis: 1_000,
        signatureKey: 'my-secret-key',
        headers: ['X-My-Header: my-value'],
        allowInvalidCerts: false,
        auth: { username: 'account', secret: 'password' },
      },
    ]);
  });

  it('the older seed example as printed is a TOML error at its first missing comma', () => {
    const error = configError(() => parseWebhookConfig(fixture('seed-older-verbatim.toml')));
    assert.equal(error.code, 'ERR_WEBHOOK_TOML');
    assert.equal(error.line, 4);
    assert.match(error.message, /^invalid TOML: .+ \(line 4, column 1\)$/);
  });

  it('the newer seed example gives every value (event names are checked elsewhere)', () => {
    assert.deepEqual(parseWebhookConfig(fixture('seed-newer.toml')), [
      {
        id: 'my-webhook',
        url: 'https://example.com/webhook',
        events: ['auth.success', 'store.ingest'],
        timeoutMillis: 30_000,
        throttleMillis: 1_000,
        signatureKey: 'my-secret-key',
        headers: ['X-My-Header: my-value'],
        allowInvalidCerts: false,
        auth: { username: 'account', secret: 'password' },
      },
    ]);
  });
});

describe('parseWebhookConfig: keys', () => {
  it('reads every key and ignores the rest of a Stalwart configuration', () => {
    assert.deepEqual(parseWebhookConfig(fixture('all-keys.toml')), [
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
    const [ops, archive] = parseWebhookConfig(fixture('all-keys.toml')).map(resolveWebhookOptions);
    assert.equal(ops?.authorization, 'Bearer ops-bearer-token');
    assert.deepEqual(ops?.headers, { 'X-Team': 'mail', 'X-Env': 'production' });
    assert.equal(ops?.minSeverity, 13);
    assert.equal(archive?.enable, false);
    assert.equal(archive?.authKind, 'basic');
  });

  it('defaults apply to every key left out', () => {
    const [archive] = parseWebhookConfig(fixture('all-keys.toml')).slice(1).map(resolveWebhookOptions);
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

describe('parseWebhookConfig: errors name the TOML key, the value and the line', () => {
  const cases: Array<{ toml: string; code: WebhookConfigErrorCode; message: string; line: number | undefined }> = [
    {
      toml: webhookToml('timeout = "abc"'),
      code: 'ERR_WEBHOOK_INVALID_DURATION',
      message: 'webhook."ops".timeout: expected a duration like "30s", got "abc" (line 4)',
      line: 4,
    },
    {
      toml: webhookToml('throttle = 0'),
      code: 'ERR_WEBHOOK_INVALID_DURATION',
      message: 'webhook."ops".throttle must be a positive integer, got 0 (line 4)',
      line: 4,
    },
    {
      toml: '[server]\nhostname = "mx"\n\n[webhook."ops"]\nevents = ["*"]\n',
      code: 'ERR_WEBHOOK_MISSING_KEY',
      message: 'webhook."ops".url: missing (line 4)',
      line: 4,
    },
    {
      toml: webhookToml('timout = "3s"'),
      code: 'ERR_WEBHOOK_UNKNOWN_KEY',
      message: 'webhook."ops".timout: unknown key, did you mean "timeout"? (line 4)',
      line: 4,
    },
    {
      toml: webhookToml('allow_invalid_certs = true'),
      code: 'ERR_WEBHOOK_UNKNOWN_KEY',
      message: 'webhook."ops".allow_invalid_certs: unknown key, did you mean "allow-invalid-certs"? (line 4)',
      line: 4,
    },
    {
      toml: webhookToml('colour = "blue"'),
      code: 'ERR_WEBHOOK_UNKNOWN_KEY',
      message: 'webhook."ops".colour: unknown key (line 4)',
      line: 4,
    },
    {
      toml: webhookToml('', '[webhook."ops".auth]', 'usrname = "a"'),
      code: 'ERR_WEBHOOK_UNKNOWN_KEY',
      message: 'webhook."ops".auth.usrname: unknown key, did you mean "username"? (line 6)',
      line: 6,
    },
    {
      toml: webhookToml('enable = "True"'),
      code: 'ERR_WEBHOOK_INVALID_TYPE',
      message: 'webhook."ops".enable must be true or false, got "True" (line 4)',
      line: 4,
    },
    {
      toml: webhookToml('headers = ["X-A: 1", "Bad Name: 2"]'),
      code: 'ERR_WEBHOOK_INVALID_HEADER',
      message: 'webhook."ops".headers: invalid header name "Bad Name" at index 1 (line 4)',
      line: 4,
    },
    {
      toml: webhookToml('headers = ["X-Signature: forged"]'),
      code: 'ERR_WEBHOOK_RESERVED_HEADER',
      message: 'webhook."ops".headers: "X-Signature" is set by the exporter and cannot be configured (line 4)',
      line: 4,
    },
    {
      toml: webhookToml('', '[webhook."ops".auth]', 'username = "a"'),
      code: 'ERR_WEBHOOK_MISSING_KEY',
      message: 'webhook."ops".auth.secret: missing, auth.username needs it (line 5)',
      line: 5,
    },
    {
      toml: '[webhook."ops"]\nurl = "https://hooks.example.org/x"\nevents = [\n  "auth.*",\n  "",\n]\n',
      code: 'ERR_WEBHOOK_INVALID_PATTERN',
      message: 'webhook."ops".events must not contain an empty pattern, got "" at index 1 (line 3)',
      line: 3,
    },
    {
      toml: webhookToml('level = "verbose"'),
      code: 'ERR_WEBHOOK_INVALID_VALUE',
      message: 'webhook."ops".level must be one of trace, debug, info, warn, error, got "verbose" (line 4)',
      line: 4,
    },
    {
      toml: '[webhook."ops"]\nurl = "ftp://files.example.org/"\nevents = ["*"]\n',
      code: 'ERR_WEBHOOK_INVALID_URL',
      message: 'webhook."ops".url must be an http: or https: URL, got "ftp://files.example.org/" (line 2)',
      line: 2,
    },
  ];

  for (const { toml, code, message, line } of cases) {
    it(`${code}: ${message}`, () => {
      const error = configError(() => parseWebhookConfig(toml));
      assert.equal(error.code, code);
      assert.equal(error.message, message);
      assert.equal(error.line, line);
      assert.ok(error.message.startsWith(error.key), 'the key is the start of the message');
    });
  }

  it('a webhook whose id needs quoting is named with quotes', () => {
    const error = configError(() => parseWebhookConfig('[webhook."ops team"]\nurl = "https://x.example"\nevents = []\n'));
    assert.equal(error.key, 'webhook."ops team".events');
    assert.equal(error.line, 3);
  });

  it('a key inside an inline auth table is located at the auth line', () => {
    const error = configError(() => parseWebhookConfig(webhookToml('auth = { username = "a", secret = 7 }')));
    assert.equal(error.key, 'webhook."ops".auth.secret');
    assert.equal(error.line, 4);
  });
});

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

describe('secrets never appear in errors', () => {
  const secret = 'S3cr3t-Value';
  const cases: Array<{ name: string; run: () => unknown }> = [
    { name: 'signature key of the wrong type', run: () => resolveWebhookOptions(loose({ signatureKey: [secret] })) },
    { name: 'auth secret of the wrong type', run: () => resolveWebhookOptions(loose({ auth: { username: 'u', secret: [secret] } })) },
    { name: 'auth token of the wrong type', run: () => resolveWebhookOptions(loose({ auth: { token: { secret } } })) },
    { name: 'auth token with a line break', run: () => resolveWebhookOptions(loose({ auth: { token: `${secret}\n` } })) },
    {
      name: 'auth token with basic credentials',
      run: () => resolveWebhookOptions(loose({ auth: { username: 'u', secret, token: secret } })),
    },
    { name: 'auth that is not an object', run: () => resolveWebhookOptions(loose({ auth: secret })) },
    { name: 'URL credentials with a wrong scheme', run: () => resolveWebhookOptions(loose({ url: `ftp://user:${secret}@example.org/` })) },
    {
      name: 'URL credentials in an unparsable URL',
      run: () => resolveWebhookOptions(loose({ url: `https://user:${secret}/x@example.org` })),
    },
    {
      name: 'URL object with credentials',
      run: () => resolveWebhookOptions(loose({ url: new URL(`https://user:${secret}@example.org/`) })),
    },
    { name: 'credential header with a bad value', run: () => resolveWebhookOptions(loose({ headers: [`X-Api-Key: ${secret}\u0000`] })) },
    { name: 'credential header with a bad name', run: () => resolveWebhookOptions(loose({ headers: { 'X Auth': secret } })) },
    { name: 'credential header without a colon', run: () => resolveWebhookOptions(loose({ headers: [`X-Auth-Token ${secret}`] })) },
    { name: 'credential header of the wrong type', run: () => resolveWebhookOptions(loose({ headers: { 'X-Token': [secret] } })) },
    {
      name: 'Authorization header with auth set',
      run: () => resolveWebhookOptions(loose({ headers: [`Authorization: ${secret}`], auth: { token: 't' } })),
    },
    { name: 'TOML syntax error next to a secret', run: () => parseWebhookConfig(webhookToml(`signature-key = "${secret}"`, 'timeout = ')) },
    {
      name: 'TOML error in a webhook with a secret',
      run: () => parseWebhookConfig(webhookToml(`signature-key = "${secret}"`, 'timeout = "x"')),
    },
    {
      name: 'TOML auth secret of the wrong type',
      run: () => parseWebhookConfig(webhookToml(`auth = { username = "u", secret = ["${secret}"] }`)),
    },
  ];

  for (const { name, run } of cases) {
    it(name, () => {
      const error = configError(run);
      assert.ok(!error.message.includes(secret), error.message);
      assert.ok(!error.key.includes(secret), error.key);
    });
  }
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
