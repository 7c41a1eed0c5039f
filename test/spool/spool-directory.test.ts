import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { spoolDirectory, spoolDirectoryName } from '../../src/spool/spool-directory.ts';
import { tempDir } from '../helpers/spool.ts';

const hostile = [
  '..',
  '.',
  '...',
  '/',
  '\\',
  '\0',
  'a/../../b',
  '../x',
  '..\\..\\x',
  '%2e%2e',
  '%2E%2E',
  '%2E',
  '%',
  '+',
  'C:\\',
  'x'.repeat(255),
  'x'.repeat(256),
  `${'x'.repeat(300)}a`,
  `${'x'.repeat(300)}b`,
  '/'.repeat(100),
  '📬'.repeat(100),
  '.'.repeat(300),
  'lone \ud800 surrogate',
  'lone \udc00 surrogate',
  'ops',
];

/** Emits one event into a processor with a spool whose endpoint is down, and shuts it down (the event stays spooled). */
async function spoolOneEvent(id: string, spoolDir: string): Promise<void> {
  const processor = new WebhookLogRecordProcessor({ id, url: 'http://127.0.0.1:9/', events: ['*'], spoolDir, shutdownTimeoutMillis: 100 });
  const provider = new LoggerProvider({ processors: [processor] });
  provider.getLogger('t').emit({ eventName: 'auth.success' });
  await provider.shutdown();
}

describe('spool directory of a webhook id', () => {
  it('is a direct child of spool-dir for every id, however hostile', () => {
    const root = join(tmpdir(), 'spool');
    for (const id of hostile) {
      const directory = spoolDirectory(root, id);
      assert.equal(dirname(directory), root, JSON.stringify(id));
      assert.notEqual(basename(directory), '..', JSON.stringify(id));
      assert.notEqual(basename(directory), '.', JSON.stringify(id));
      assert.ok(Buffer.byteLength(basename(directory)) <= 255, `${JSON.stringify(id)}: ${basename(directory).length} bytes`);
      assert.ok(!basename(directory).includes('\0'), JSON.stringify(id));
    }
  });

  it('gives distinct ids distinct directories', () => {
    const names = hostile.map((id) => spoolDirectoryName(id));
    assert.equal(new Set(names).size, hostile.length, names.join('\n'));
  });

  it('keeps the directory names spools of ordinary ids already have', () => {
    assert.equal(spoolDirectoryName('ops'), 'ops');
    assert.equal(spoolDirectoryName('mail alerts/eu'), 'mail%20alerts%2Feu');
    assert.equal(spoolDirectoryName('ünï.v2'), encodeURIComponent('ünï.v2'));
  });

  it('writes the spool of id ".." inside spool-dir, not into its parent', async (t) => {
    const parent = tempDir(t);
    const spoolDir = join(parent, 'spool');
    mkdirSync(spoolDir);
    await spoolOneEvent('..', spoolDir);
    assert.deepEqual(readdirSync(parent), ['spool']);
    assert.deepEqual(readdirSync(spoolDir), ['%2E%2E']);
    assert.ok(readdirSync(join(spoolDir, '%2E%2E')).some((name) => name.startsWith('segment-')));
  });

  it('keeps ".", "..", "%2e%2e" and "a/../../b" apart', async (t) => {
    const parent = tempDir(t);
    const spoolDir = join(parent, 'spool');
    for (const id of ['.', '..', '%2e%2e', 'a/../../b']) await spoolOneEvent(id, spoolDir);
    assert.deepEqual(readdirSync(parent), ['spool']);
    assert.deepEqual(readdirSync(spoolDir).sort(), ['%252e%252e', '%2E', '%2E%2E', 'a%2F..%2F..%2Fb']);
  });

  it('spools a webhook whose id is too long for a file name, and recovers it after a restart', async (t) => {
    const spoolDir = tempDir(t);
    const id = 'alerts-'.repeat(100);
    await spoolOneEvent(id, spoolDir);
    const [name] = readdirSync(spoolDir);
    assert.ok(name?.startsWith('alerts-alerts-') && name.length <= 255, name);
    const processor = new WebhookLogRecordProcessor({
      id,
      url: 'http://127.0.0.1:9/',
      events: ['*'],
      spoolDir,
      shutdownTimeoutMillis: 100,
    });
    assert.equal(processor.stats().pending, 1);
    await processor.shutdown();
  });
});
