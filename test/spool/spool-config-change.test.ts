import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { WebhookOptions } from '../../src/config/options.ts';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { eventsOf } from '../helpers/pipeline.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { event, open, tempDir } from '../helpers/spool.ts';

type Options = Omit<WebhookOptions, 'id' | 'spoolDir'>;

async function receiver(t: TestContext, port?: number): Promise<Receiver> {
  const r = await startReceiver(port === undefined ? {} : { port });
  t.after(() => r.close());
  return r;
}

/** Emits events of `types` into a webhook whose endpoint answers 503, then shuts it down: they stay in the spool. Returns the port. */
async function leaveInSpool(spoolDir: string, options: (url: string) => Options, types: readonly string[]): Promise<number> {
  const failing = await startReceiver({ respond: () => ({ status: 503 }) });
  const processor = new WebhookLogRecordProcessor({ id: 'ops', spoolDir, shutdownTimeoutMillis: 200, ...options(failing.url) });
  const provider = new LoggerProvider({ processors: [processor] });
  types.forEach((type, n) => {
    provider.getLogger('t').emit({ eventName: type, attributes: { n } });
  });
  await provider.shutdown();
  await failing.close();
  assert.equal(processor.stats().dropped.shutdown, 0);
  return failing.port;
}

/** Runs a webhook on the spool until everything it recovered is settled; returns it with the warnings `diag` heard while it started. */
async function restart(
  spoolDir: string,
  options: Options,
  id = 'ops',
): Promise<{ processor: WebhookLogRecordProcessor; warnings: string[] }> {
  const warnings: string[] = [];
  const sink: DiagLogger = { warn: (...args) => warnings.push(args.join(' ')), error() {}, info() {}, debug() {}, verbose() {} };
  diag.setLogger(sink, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  let processor: WebhookLogRecordProcessor;
  try {
    processor = new WebhookLogRecordProcessor({ id, spoolDir, ...options });
  } finally {
    diag.disable();
  }
  await processor.forceFlush({ timeoutMillis: 2000 });
  await processor.shutdown();
  return { processor, warnings };
}

function deliveredData(r: Receiver): unknown[] {
  return r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.data.n));
}

const types = ['auth.success', 'auth.failed', 'auth.success'];

describe('spool recovered under a changed configuration', () => {
  it('does not send events accepted for another url to the new one, and says where they are kept', async (t) => {
    const spoolDir = tempDir(t);
    await leaveInSpool(spoolDir, (url) => ({ url, events: ['*'] }), types);
    const moved = await receiver(t);
    const { warnings, processor } = await restart(spoolDir, { url: moved.url, events: ['*'] });
    assert.equal(moved.requests.length, 0);
    assert.equal(processor.stats().pending, 0);
    const [aside] = readdirSync(join(spoolDir, 'ops')).filter((name) => name.startsWith('orphaned-'));
    assert.ok(aside !== undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, /3 recovered events were not sent because they were accepted for another url/);
    assert.ok((warnings[0] as string).includes(join(realpathSync(spoolDir), 'ops', aside)), warnings[0]);
  });

  it('delivers set-aside events through a webhook named after their directory, once its spool.meta is removed', async (t) => {
    const spoolDir = tempDir(t);
    await leaveInSpool(spoolDir, (url) => ({ url, events: ['*'] }), types);
    const moved = await receiver(t);
    await restart(spoolDir, { url: moved.url, events: ['*'] });
    const [aside] = readdirSync(join(spoolDir, 'ops')).filter((name) => name.startsWith('orphaned-'));
    assert.ok(aside !== undefined);
    rmSync(join(spoolDir, 'ops', aside, 'spool.meta'));
    await restart(join(spoolDir, 'ops'), { url: moved.url, events: ['*'] }, aside);
    assert.deepEqual(deliveredData(moved), [0, 1, 2]);
  });

  it('sends recovered events when only the credentials in the url changed', async (t) => {
    const spoolDir = tempDir(t);
    const withPassword = (url: string, password: string): string => url.replace('http://', `http://jane:${password}@`);
    const port = await leaveInSpool(spoolDir, (url) => ({ url: withPassword(url, 'old-password'), events: ['*'] }), types);
    const back = await receiver(t, port);
    await restart(spoolDir, { url: withPassword(back.url, 'new-password'), events: ['*'] });
    assert.deepEqual(deliveredData(back), [0, 1, 2]);
    assert.equal(back.requests[0]?.headers.authorization, `Basic ${Buffer.from('jane:new-password').toString('base64')}`);
  });

  it('signs recovered events with the current signature key', async (t) => {
    const spoolDir = tempDir(t);
    const port = await leaveInSpool(spoolDir, (url) => ({ url, events: ['*'], signatureKey: 'old-key' }), types);
    const back = await receiver(t, port);
    await restart(spoolDir, { url: back.url, events: ['*'], signatureKey: 'new-key' });
    const [request] = back.requests;
    assert.ok(request !== undefined);
    assert.equal(eventsOf(request.body).length, 3);
    assert.equal(request.headers['x-signature'], createHmac('sha256', 'new-key').update(request.body).digest('base64'));
  });

  it('sends only the recovered events the current events patterns select, and counts the others as discarded', async (t) => {
    const spoolDir = tempDir(t);
    const port = await leaveInSpool(spoolDir, (url) => ({ url, events: ['auth.*'] }), types);
    const back = await receiver(t, port);
    const { processor } = await restart(spoolDir, { url: back.url, events: ['auth.success'] });
    assert.deepEqual(deliveredData(back), [0, 2]);
    assert.equal(processor.stats().dropped.discarded, 1);
    assert.equal(processor.stats().accepted, 3);
  });

  it('sends the events of a spool written before spool.meta existed to the current url', async (t) => {
    const spoolDir = tempDir(t);
    await leaveInSpool(spoolDir, (url) => ({ url, events: ['*'] }), types);
    rmSync(join(spoolDir, 'ops', 'spool.meta'));
    const moved = await receiver(t);
    await restart(spoolDir, { url: moved.url, events: ['*'] });
    assert.deepEqual(deliveredData(moved), [0, 1, 2]);
  });

  it('records the url in spool.meta only as a fingerprint', async (t) => {
    const spoolDir = tempDir(t);
    const port = await leaveInSpool(spoolDir, (url) => ({ url: url.replace('http://', 'http://jane:hunter2@'), events: ['*'] }), types);
    const meta = readFileSync(join(spoolDir, 'ops', 'spool.meta'), 'utf8');
    for (const part of ['127.0.0.1', String(port), 'hook', 'jane', 'hunter2']) assert.ok(!meta.includes(part), `${part} in ${meta}`);
  });

  it('sets recovered events aside when spool.meta cannot be read', async (t) => {
    const spoolDir = tempDir(t);
    const port = await leaveInSpool(spoolDir, (url) => ({ url, events: ['*'] }), types);
    writeFileSync(join(spoolDir, 'ops', 'spool.meta'), '{"version":1,"sal');
    const back = await receiver(t, port);
    const { warnings } = await restart(spoolDir, { url: back.url, events: ['*'] });
    assert.equal(back.requests.length, 0);
    assert.match(warnings.join('\n'), /3 recovered events were not sent because its spool.meta cannot be read/);
  });

  it('drops unselected recovered events for good: the next start does not recover them either', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir);
    for (const e of [event(0), event(1, '"n":1', 'auth.failed'), event(2)]) first.spool.append(e);
    first.spool.close();
    const second = open(t, dir, { selects: (e) => e.type === 'auth.success' });
    assert.equal(second.spool.unselected, 1);
    assert.deepEqual(second.notes, [
      `spool ${realpathSync(dir)}: 1 recovered events are no longer selected by events or level; dropped (counted as discarded)`,
    ]);
    second.spool.close();
    const third = open(t, dir);
    assert.deepEqual(third.spool.recovered, [event(0), event(2)]);
    assert.equal(third.spool.unselected, 0);
  });
});
