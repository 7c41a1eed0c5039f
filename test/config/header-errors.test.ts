import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebhookConfigError } from '../../src/config/errors.ts';
import type { WebhookOptions } from '../../src/config/options.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { webhookToml } from '../helpers/config-files.ts';

const SECRET = 'S3CR3T-value';

/** The message of the WebhookConfigError thrown by `run`. */
function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof WebhookConfigError, `expected a WebhookConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a WebhookConfigError, nothing was thrown');
}

const withHeaders = (headers: unknown): WebhookOptions =>
  ({ id: 'ops', url: 'https://hooks.example.org/x', events: ['*'], headers }) as WebhookOptions;

describe('a rejected header is named by index or name, its value never shown', () => {
  it('TOML: a line without a colon holding a token', () => {
    assert.equal(
      message(() => parseWebhookConfig(webhookToml(`headers = ["X-Team: mail", "Bearer ${SECRET}"]`))),
      'webhook."ops".headers: expected "Name: value", got a line without ":" at index 1 (line 4)',
    );
  });

  it('code: a line without a colon holding a token', () => {
    assert.equal(
      message(() => resolveWebhookOptions(withHeaders([`Bearer ${SECRET}`]))),
      'headers: expected "Name: value", got a line without ":" at index 0 (webhook "ops")',
    );
  });

  it('TOML: a value with a control character', () => {
    assert.equal(
      message(() => parseWebhookConfig(webhookToml(`headers = ["X-Custom: ${SECRET}\\u0007"]`))),
      'webhook."ops".headers: invalid header value (control characters) in header "X-Custom" at index 0 (line 4)',
    );
  });

  it('code: a map value with a control character', () => {
    assert.equal(
      message(() => resolveWebhookOptions(withHeaders({ 'X-Custom': `${SECRET}\r\n` }))),
      'headers: invalid header value (control characters) in header "X-Custom" (webhook "ops")',
    );
  });

  it('code: a map value that is not a string', () => {
    assert.equal(
      message(() => resolveWebhookOptions(withHeaders({ 'X-Custom': [SECRET] }))),
      'headers must map names to strings, got an array for header "X-Custom" (webhook "ops")',
    );
  });

  it('code: an invalid name that looks like a credential is not shown either', () => {
    assert.equal(
      message(() => resolveWebhookOptions(withHeaders([`Authorization Bearer ${SECRET}: x`]))),
      'headers: invalid header name at index 0 (webhook "ops")',
    );
  });

  it('code: an invalid name is shown when it does not look like a credential', () => {
    assert.equal(
      message(() => resolveWebhookOptions(withHeaders(['X-Team: mail', 'X Team: mail']))),
      'headers: invalid header name "X Team" at index 1 (webhook "ops")',
    );
  });

  it('code: a string where the list belongs', () => {
    assert.equal(
      message(() => resolveWebhookOptions(withHeaders(`Authorization: Bearer ${SECRET}`))),
      'headers must be a list of "Name: value" strings or an object, got a string (webhook "ops")',
    );
  });

  it('TOML: a list item that is not a string', () => {
    assert.equal(
      message(() => parseWebhookConfig(webhookToml(`headers = ["X-Team: mail", ["${SECRET}"]]`))),
      'webhook."ops".headers must contain only "Name: value" strings, got an array at index 1 (line 4)',
    );
  });
});
