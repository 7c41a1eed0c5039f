import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WebhookConfigError } from '../../src/config/errors.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { parseTomlWebhooks } from '../../src/config/toml.ts';
import { WebhookLogRecordExporter } from '../../src/exporter.ts';
import { runCli } from '../helpers/cli.ts';

const base = { id: 'ops', url: 'https://hooks.example/in', events: ['*'] };
const dir = mkdtempSync(join(tmpdir(), 'spool-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function configError(run: () => unknown): WebhookConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookConfigError) return error;
    throw error;
  }
  throw new Error('no WebhookConfigError');
}

describe('spool-sync and spool-fsync-interval', () => {
  it('default to one write per turn of the event loop and no fsync interval', () => {
    const resolved = resolveWebhookOptions({ ...base, spoolDir: 'spool' });
    assert.equal(resolved.spoolSync, 'batch');
    assert.equal(resolved.spoolFsyncIntervalMillis, undefined);
  });

  it('are read from TOML, the interval as a duration', () => {
    const [options] = parseTomlWebhooks(
      `[webhook."ops"]\nurl = "https://hooks.example/in"\nevents = ["*"]\nspool-dir = "spool"\nspool-sync = "event"\nspool-fsync-interval = "2s"\n`,
    );
    const resolved = resolveWebhookOptions(options as NonNullable<typeof options>);
    assert.equal(resolved.spoolSync, 'event');
    assert.equal(resolved.spoolFsyncIntervalMillis, 2000);
  });

  it('refuses a spool-sync that is neither batch nor event, naming the key and the value', () => {
    const error = configError(() => resolveWebhookOptions({ ...base, spoolSync: 'always' as 'batch' }));
    assert.equal(error.key, 'spoolSync');
    assert.match(error.message, /spoolSync must be "batch" or "event", got "always"/);
  });

  it('refuses a fsync interval that is not a positive duration', () => {
    assert.equal(configError(() => resolveWebhookOptions({ ...base, spoolFsyncIntervalMillis: 0 })).key, 'spoolFsyncIntervalMillis');
    assert.equal(configError(() => resolveWebhookOptions({ ...base, spoolFsyncInterval: 'soon' })).key, 'spoolFsyncInterval');
  });

  it('are taken by the exporter too, which runs on the same engine and spool', async () => {
    const exporter = new WebhookLogRecordExporter({
      ...base,
      spoolDir: join(dir, 'exporter-spool'),
      spoolSync: 'event',
      spoolFsyncInterval: '1s',
    });
    assert.equal(exporter.options.spoolSync, 'event');
    assert.equal(exporter.options.spoolFsyncIntervalMillis, 1000);
    await exporter.shutdown();
  });

  it('are shown by otel-webhooks check', async () => {
    const path = join(dir, 'hooks.toml');
    writeFileSync(
      path,
      `[webhook."ops"]\nurl = "https://hooks.example/in"\nevents = ["*"]\nspool-dir = "${join(dir, 'spool')}"\nspool-fsync-interval = "1s"\n`,
    );
    const result = await runCli(['check', path]);
    assert.match(result.stdout, /written once per event-loop turn \(spool-sync batch\); fsync at most every 1s/);
  });
});
