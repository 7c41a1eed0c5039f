import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildPackage } from './helpers/built-package.ts';

let installed = '';
let remove = (): void => {};

before(() => {
  ({ dir: installed, remove } = buildPackage());
});
after(() => remove());

describe('the built package', () => {
  it('exports the public API from dist/ as plain JavaScript with type declarations', async () => {
    const api = (await import(pathToFileURL(join(installed, 'dist', 'index.js')).href)) as Record<string, unknown>;
    for (const name of [
      'parseWebhookConfig',
      'createWebhookProcessors',
      'WebhookLogRecordProcessor',
      'WebhookLogRecordExporter',
      'verifySignature',
      'eventTypes',
      'WebhookConfigError',
    ]) {
      assert.ok(name in api, name);
    }
    assert.equal((api.eventTypes as unknown[]).length, 700);
    assert.match(readFileSync(join(installed, 'dist', 'index.d.ts'), 'utf8'), /WebhookLogRecordProcessor/);
  });

  it('runs the otel-webhooks binary from the build output', () => {
    const out = execFileSync(process.execPath, [join(installed, 'bin', 'otel-webhooks.js'), 'events', 'auth.success'], {
      encoding: 'utf8',
    });
    assert.match(out, /auth\.success/);
  });
});
