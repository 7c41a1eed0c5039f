import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
let installed = '';

// The package as npm installs it: the build output (tsc → dist/), bin/, examples/, package.json.
before(() => {
  installed = mkdtempSync(join(tmpdir(), 'otel-webhook-exporter-package-'));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(installed, 'dist')], { stdio: 'pipe' });
  cpSync(join(root, 'bin'), join(installed, 'bin'), { recursive: true });
  cpSync(join(root, 'examples'), join(installed, 'examples'), { recursive: true });
  writeFileSync(join(installed, 'package.json'), readFileSync(join(root, 'package.json')));
  symlinkSync(join(root, 'node_modules'), join(installed, 'node_modules'), 'dir');
});
after(() => {
  if (installed !== '') rmSync(installed, { recursive: true, force: true });
});

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
