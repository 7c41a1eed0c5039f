import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { installPacked, type PackedInstall } from './helpers/packed.ts';

const root = join(import.meta.dirname, '..');
let packed: PackedInstall;

before(() => {
  packed = installPacked();
});
after(() => packed.cleanup());

/** Relative link targets of a Markdown text (`[text](target)`), without anchors. */
function relativeLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
  return targets.filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#')).map((target) => target.split('#')[0] as string);
}

describe('the package as npm packs it', () => {
  it('exports the public API from dist/ as plain JavaScript with type declarations', async () => {
    const api = (await import(pathToFileURL(join(packed.packageDir, 'dist', 'index.js')).href)) as Record<string, unknown>;
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
    assert.match(readFileSync(join(packed.packageDir, 'dist', 'index.d.ts'), 'utf8'), /WebhookLogRecordProcessor/);
  });

  it('runs the otel-webhooks binary from the build output', () => {
    const out = execFileSync(process.execPath, [join(packed.packageDir, 'bin', 'otel-webhooks.js'), 'events', 'auth.success'], {
      encoding: 'utf8',
    });
    assert.match(out, /auth\.success/);
  });

  it('sends the version of package.json in its User-Agent', async () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const { VERSION } = (await import(pathToFileURL(join(packed.packageDir, 'dist', 'http', 'version.js')).href)) as { VERSION: string };
    assert.equal(VERSION, manifest.version);
  });

  it('ships the licence and every file the README links to', () => {
    assert.ok(packed.files.includes('LICENSE'));
    const readme = readFileSync(join(packed.packageDir, 'README.md'), 'utf8');
    const links = relativeLinks(readme);
    assert.ok(links.length > 0, 'the README has relative links');
    for (const link of links)
      assert.ok(packed.files.includes(posix.normalize(link)), `README links to ${link}, which is not in the package`);
  });

  it('ships the source every source map points at', () => {
    const maps = packed.files.filter((file) => file.endsWith('.map'));
    assert.ok(maps.length > 0, 'the package has source maps');
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(packed.packageDir, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const path = posix.normalize(posix.join(posix.dirname(map), source));
        assert.ok(packed.files.includes(path), `${map} points at ${path}, which is not in the package`);
      }
    }
  });

  it('ships no test, benchmark or script sources', () => {
    const stray = packed.files.filter((file) => /^(test|bench|scripts)\//.test(file));
    assert.deepEqual(stray, []);
  });
});
