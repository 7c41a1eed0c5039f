import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { WebhookConfigError } from '../../src/config/errors.ts';
import type { WebhookOptions } from '../../src/config/options.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';

/**
 * A temporary directory for one test file, removed when its tests are done, and a function
 * that writes a file there and returns its path.
 */
export function tempFiles(prefix: string): { dir: string; file: (name: string, content: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}

/** The one webhook of a configuration, read with `env` as the environment. */
export function onlyWebhook(text: string, env: Record<string, string> = {}): WebhookOptions {
  const webhooks = parseWebhookConfig(text, { env });
  assert.equal(webhooks.length, 1);
  return webhooks[0] as WebhookOptions;
}

/** The WebhookConfigError thrown by `run`. */
export function configError(run: () => unknown): WebhookConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof WebhookConfigError, `expected a WebhookConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a WebhookConfigError, nothing was thrown');
}
