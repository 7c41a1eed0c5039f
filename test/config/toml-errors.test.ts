import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebhookConfigErrorCode } from '../../src/config/errors.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { configError, webhookToml } from '../helpers/config-files.ts';

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
