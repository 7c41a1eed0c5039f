import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { eventsOf, sleep } from '../helpers/pipeline.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';

const dirs: string[] = [];
const receivers: Receiver[] = [];
after(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-spool-'));
  dirs.push(dir);
  return dir;
}

describe('durable spool', () => {
  it('delivers every unacknowledged event, with the same ids, after the process is killed', async () => {
    const spoolDir = tempDir();
    const failing = await startReceiver({ respond: () => ({ status: 503 }) });
    receivers.push(failing);
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'fixtures', 'crash-child.ts'), failing.url, spoolDir, '40'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 15_000;
    while (!(output.includes('emitted') && failing.requests.length >= 2) && Date.now() < deadline) await sleep(20);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const attempted = new Set(failing.requests.flatMap((q) => eventsOf(q.body).map((e) => e.id)));
    assert.equal(attempted.size, 40, 'the killed process had tried to send all 40');

    await failing.close();
    const good = await startReceiver({ port: failing.port });
    receivers.push(good);
    const processor = new WebhookLogRecordProcessor({ id: 'crash', url: good.url, events: ['*'], spoolDir });
    const provider = new LoggerProvider({ processors: [processor] });
    await provider.forceFlush();
    await provider.shutdown();
    const delivered = good.requests.flatMap((q) => eventsOf(q.body));
    assert.deepEqual(new Set(delivered.map((e) => e.id)), attempted);
    assert.deepEqual(
      delivered.map((e) => e.data.n),
      [...Array(40).keys()],
    );
  });

  it('does not deliver again what was acknowledged before a restart', async () => {
    const spoolDir = tempDir();
    const r = await startReceiver();
    receivers.push(r);
    const first = new WebhookLogRecordProcessor({ id: 'once', url: r.url, events: ['*'], spoolDir });
    const provider = new LoggerProvider({ processors: [first] });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    await provider.shutdown();
    assert.equal(r.requests.length, 1);
    const second = new WebhookLogRecordProcessor({ id: 'once', url: r.url, events: ['*'], spoolDir });
    await second.forceFlush({ timeoutMillis: 200 });
    await second.shutdown();
    assert.equal(r.requests.length, 1);
  });

  it('refuses a second live processor on the same spool directory', async () => {
    const spoolDir = tempDir();
    const first = new WebhookLogRecordProcessor({ id: 'same', url: 'http://127.0.0.1:9/', events: ['*'], spoolDir });
    try {
      assert.throws(
        () => new WebhookLogRecordProcessor({ id: 'same', url: 'http://127.0.0.1:9/', events: ['*'], spoolDir }),
        (error: Error & { code?: string }) => error.code === 'ERR_WEBHOOK_SPOOL_LOCKED' && error.message.includes(String(process.pid)),
      );
    } finally {
      await first.shutdown();
    }
  });

  it('keeps events in the spool, not dropped, when shutdown cannot deliver them', async () => {
    const spoolDir = tempDir();
    const down = await startReceiver();
    const url = down.url;
    await down.close();
    const processor = new WebhookLogRecordProcessor({ id: 'later', url, events: ['*'], spoolDir, shutdownTimeoutMillis: 200 });
    const provider = new LoggerProvider({ processors: [processor] });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    await provider.shutdown();
    assert.equal(processor.stats().dropped.shutdown, 0);
    const r = await startReceiver({ port: down.port });
    receivers.push(r);
    const next = new WebhookLogRecordProcessor({ id: 'later', url: r.url, events: ['*'], spoolDir });
    await next.shutdown();
    assert.equal(r.requests.flatMap((q) => eventsOf(q.body)).length, 1);
  });
});
