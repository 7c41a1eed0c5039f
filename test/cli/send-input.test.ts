import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSpool } from '../../src/spool/spool.ts';
import { fixture, runCli } from '../helpers/cli.ts';

const quiet = { warn: (): void => undefined, debug: (): void => undefined };

describe('otel-webhooks send with hostile input', () => {
  it('input without an end of line stops at the longest line a webhook could keep, exit 1', async (t) => {
    // Writes "x" for as long as anyone reads.
    const endless = spawn(
      process.execPath,
      ['-e', "const b = Buffer.alloc(65536, 120); (function w() { while (process.stdout.write(b)); process.stdout.once('drain', w); })();"],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    t.after(() => endless.kill('SIGKILL'));
    const sent = await runCli(['send', fixture('cli/small-queue.toml'), '-', '--url', 'http://127.0.0.1:9/', '--wait', '1s'], {
      input: endless.stdout,
    });
    assert.equal(sent.code, 1, sent.stdout + sent.stderr);
    assert.match(sent.stderr, /<stdin>: reading stopped: line 1 is longer than 65536 bytes, the largest max-queue-bytes of the webhooks/);
    assert.match(sent.stdout, /Read 0 events from <stdin>/);
    assert.doesNotMatch(sent.stdout + sent.stderr, /RangeError|\n\s+at /);
  });

  it('a createdAt after year 9999 is reported as a malformed line, exit 1', async () => {
    const input = `${JSON.stringify({ type: 'auth.success', createdAt: '+010000-01-01T00:00:00Z' })}\n`;
    const sent = await runCli(['send', fixture('cli/small-queue.toml'), '-', '--url', 'http://127.0.0.1:9/', '--wait', '1s'], { input });
    assert.equal(sent.code, 1, sent.stdout + sent.stderr);
    assert.match(
      sent.stderr,
      /<stdin>:1: skipped: "createdAt" must be a timestamp like "2026-11-22T10:05:14Z" in the years 0000 to 9999, got "\+010000-01-01T00:00:00Z"/,
    );
    assert.match(sent.stdout, /Read 0 events from <stdin> \(1 malformed line skipped\)/);
  });

  it('a spool held by another process is reported in one line, exit 1', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-webhooks-send-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const config = join(dir, 'spooled.toml');
    writeFileSync(config, `[webhook."spooled"]\nurl = "https://hooks.example.org/x"\nevents = ["*"]\nspool-dir = ${JSON.stringify(dir)}\n`);
    const held = openSpool(join(dir, 'spooled'), { maxBytes: 1 << 20, log: quiet });
    t.after(() => held.close());
    const sent = await runCli(['send', config, '-', '--url', 'http://127.0.0.1:9/'], { input: '{"type":"auth.success"}\n' });
    assert.equal(sent.code, 1, sent.stdout + sent.stderr);
    assert.match(
      sent.stderr,
      new RegExp(`^otel-webhooks send: spool directory .* is in use by process ${process.pid}; every process`, 'm'),
    );
    assert.doesNotMatch(sent.stderr, /unexpected error|\n\s+at /);
  });
});
