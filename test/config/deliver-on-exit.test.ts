import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebhookConfigError } from '../../src/config/errors.ts';
import type { WebhookOptions } from '../../src/config/options.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { base, webhookToml } from '../helpers/config-files.ts';

describe('deliver-on-exit', () => {
  it('is on by default', () => {
    assert.equal(resolveWebhookOptions(base).deliverOnExit, true);
  });

  it('is turned off by the code option deliverOnExit and the TOML key deliver-on-exit', () => {
    assert.equal(resolveWebhookOptions({ ...base, deliverOnExit: false }).deliverOnExit, false);
    const [parsed] = parseWebhookConfig(webhookToml('deliver-on-exit = false'));
    assert.equal(parsed?.deliverOnExit, false);
    assert.equal(resolveWebhookOptions(parsed as WebhookOptions).deliverOnExit, false);
  });

  it('that is not a boolean is an error naming the key, the value and the line', () => {
    assert.throws(
      () => parseWebhookConfig(webhookToml('deliver-on-exit = "no"')),
      (error: unknown) =>
        error instanceof WebhookConfigError &&
        error.code === 'ERR_WEBHOOK_INVALID_TYPE' &&
        error.message === 'webhook."ops".deliver-on-exit must be true or false, got "no" (line 4)',
    );
    assert.throws(
      () => resolveWebhookOptions({ ...base, deliverOnExit: 'no' } as unknown as WebhookOptions),
      (error: unknown) =>
        error instanceof WebhookConfigError && error.message === 'deliverOnExit must be true or false, got "no" (webhook "ops")',
    );
  });
});
