import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebhookConfigError } from '../../src/config/errors.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { webhookToml } from '../helpers/config-files.ts';

/** Every boolean key of a webhook table: TOML key, option name, and its default. */
const KEYS = [
  ['enable', 'enable', true],
  ['lossy', 'lossy', false],
  ['allow-invalid-certs', 'allowInvalidCerts', false],
  ['deliver-on-exit', 'deliverOnExit', true],
] as const;

function parsedOption(line: string, option: string): unknown {
  const [webhook] = parseWebhookConfig(webhookToml(line));
  assert.ok(webhook);
  return (resolveWebhookOptions(webhook) as unknown as Record<string, unknown>)[option];
}

describe('TOML booleans, read as Stalwart reads them', () => {
  for (const [key, option, fallback] of KEYS) {
    it(`${key} = "true" and ${key} = "false" are the booleans, as bare true and false are`, () => {
      assert.equal(parsedOption(`${key} = "${!fallback}"`, option), !fallback);
      assert.equal(parsedOption(`${key} = "${fallback}"`, option), fallback);
      assert.equal(parsedOption(`${key} = '${!fallback}'`, option), !fallback);
      assert.equal(parsedOption(`${key} = ${!fallback}`, option), !fallback);
    });
  }

  for (const [key] of KEYS) {
    it(`${key} given another string is an error naming the key, the value and the line`, () => {
      for (const value of ['True', 'FALSE', 'yes', '1', ' true', '']) {
        assert.throws(
          () => parseWebhookConfig(webhookToml(`${key} = ${JSON.stringify(value)}`)),
          (error: unknown) =>
            error instanceof WebhookConfigError &&
            error.code === 'ERR_WEBHOOK_INVALID_TYPE' &&
            error.message === `webhook."ops".${key} must be true or false, got ${JSON.stringify(value)} (line 4)`,
          `${key} = ${JSON.stringify(value)}`,
        );
      }
    });
  }

  it('a number is not a boolean', () => {
    assert.throws(
      () => parseWebhookConfig(webhookToml('lossy = 1')),
      (error: unknown) =>
        error instanceof WebhookConfigError && error.message === 'webhook."ops".lossy must be true or false, got 1 (line 4)',
    );
  });

  it('deliver-on-exit from a macro reads "false" as false', () => {
    const [webhook] = parseWebhookConfig(webhookToml('deliver-on-exit = "%{env:ON_EXIT}%"'), { env: { ON_EXIT: 'false' } });
    assert.equal(webhook?.deliverOnExit, false);
  });

  it('in code a boolean option is still a boolean, not a string', () => {
    assert.throws(
      () => resolveWebhookOptions({ id: 'ops', url: 'https://hooks.example.org/x', events: ['*'], lossy: 'true' as unknown as boolean }),
      (error: unknown) =>
        error instanceof WebhookConfigError && error.message === 'lossy must be true or false, got "true" (webhook "ops")',
    );
  });
});
