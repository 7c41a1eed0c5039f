import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { WebhookConfigError } from '../../src/config/errors.ts';
import type { WebhookOptions } from '../../src/config/options.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';

/** The options of a webhook `ops` with a url and every event, as code gives them. */
export const base: WebhookOptions = { id: 'ops', url: 'https://hooks.example.org/x', events: ['*'] };

/** {@link base} with `patch`: options that only the caller's code could produce, such as wrong types. */
export function loose(patch: Record<string, unknown>): WebhookOptions {
  return { ...base, ...patch } as WebhookOptions;
}

/** A one-webhook TOML document, webhook `ops`: `lines` follow `url` (line 2) and `events` (line 3), from line 4 on. */
export function webhookToml(...lines: string[]): string {
  return ['[webhook."ops"]', 'url = "https://hooks.example.org/x"', 'events = ["*"]', ...lines].join('\n');
}

/** The text of a file under test/fixtures/. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

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
