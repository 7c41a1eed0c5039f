import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { WebhookConfigError } from '../src/config/errors.ts';
import { parseWebhookConfig } from '../src/config/read-config.ts';
import { eventsOf, pipeline, sleep } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

/** Collects everything written to diag, at every level, while `run` runs. */
async function captureDiag(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const record = (...args: unknown[]): void => {
    lines.push(args.map(String).join(' '));
  };
  const sink: DiagLogger = { error: record, warn: record, info: record, debug: record, verbose: record };
  diag.setLogger(sink, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  try {
    await run();
  } finally {
    diag.disable();
  }
  return lines.join('\n');
}

describe('bad input: clear errors, nothing lost silently, the application unaffected', () => {
  it('sends an event larger than max-batch-bytes alone', async () => {
    const r = await receiver();
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], maxBatchBytes: 4096, throttleMillis: 5_000 });
    logger.emit({ eventName: 'auth.success', attributes: { n: 0 } });
    logger.emit({ eventName: 'auth.success', attributes: { n: 1, details: 'x'.repeat(100_000) } });
    logger.emit({ eventName: 'auth.success', attributes: { n: 2 } });
    await provider.shutdown();
    assert.deepEqual(
      r.requests.map((q) => eventsOf(q.body).map((e) => e.data.n)),
      [[0], [1], [2]],
    );
    assert.equal(processor.stats().delivered, 3);
  });

  it('drops and counts an event larger than the whole queue', async () => {
    const r = await receiver();
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], maxQueueBytes: 64 * 1024 });
    assert.doesNotThrow(() => logger.emit({ eventName: 'auth.success', attributes: { details: 'x'.repeat(1_000_000) } }));
    await provider.shutdown();
    assert.equal(processor.stats().dropped['too-large'], 1);
    assert.equal(r.requests.length, 0);
  });

  it('delivers records with deep, cyclic, binary, bigint, symbol and function values', async () => {
    const r = await receiver();
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'] });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    let deep: unknown = 'bottom';
    // Deep enough to be absurd; far deeper nesting overflows the SDK's own attribute check
    // (@opentelemetry/core isAnyValue) before any processor sees the record.
    for (let i = 0; i < 2_000; i++) deep = { d: deep };
    const values: unknown[] = [cyclic, deep, new Uint8Array([1, 2, 3]), 10n ** 30n, Symbol('s'), () => 1, [cyclic, 1n]];
    for (const value of values) {
      assert.doesNotThrow(() => logger.emit({ eventName: 'auth.success', attributes: { value } as never, body: { value } as never }));
    }
    await provider.shutdown();
    const received = r.requests.flatMap((q) => eventsOf(q.body));
    assert.equal(received.length, values.length);
    assert.equal(processor.stats().delivered, values.length);
    const text = r.requests.map((q) => q.body.toString()).join('');
    assert.ok(text.includes('"value":"AQID"'), 'bytes as base64');
    assert.ok(text.includes('1000000000000000000000000000000'), 'bigint written exactly');
  });

  it('ignores records whose event name is not a string', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'] });
    for (const name of [42, { toString: () => 'auth.success' }, null, ['auth.success']]) {
      assert.doesNotThrow(() => logger.emit({ eventName: name as never }));
      assert.doesNotThrow(() => logger.emit({ attributes: { 'event.name': name as never } }));
    }
    logger.emit({ eventName: 'auth.success' });
    await provider.shutdown();
    assert.deepEqual(
      r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.type)),
      ['auth.success'],
    );
  });

  it('never logs the credentials of a URL, even when delivery fails', async () => {
    const r = await receiver({ respond: () => ({ destroy: true }) });
    const url = r.url.replace('http://', 'http://hookuser:S3cretPassw0rd@');
    const output = await captureDiag(async () => {
      const { provider, logger, processor } = pipeline({
        url,
        events: ['*', 'no.such-event'],
        throttleMillis: 10,
        retryMaxMillis: 50,
        shutdownTimeoutMillis: 300,
      });
      logger.emit({ eventName: 'auth.success' });
      while (processor.stats().failedRequests < 3) await sleep(10);
      await provider.shutdown();
    });
    assert.ok(output.length > 0, 'failures were reported');
    assert.match(output, /delivery failed/);
    assert.ok(!output.includes('S3cretPassw0rd'), output);
    assert.ok(!output.includes('hookuser:'), output);
  });

  it('never shows a signature key, secret or token in a config error', () => {
    const cases = [
      'signature-key = 42',
      'auth.secret = "TopSecretValue"',
      'auth.token = ["TopSecretValue"]',
      'auth.token = "TopSecretValue"\nauth.username = "u"',
      'auth.token = "t0k"\nheaders = ["Authorization: TopSecretValue"]',
      'headers = ["X-Api-Key: TopSecretValue\\r\\nX-Evil: 1"]',
    ];
    for (const line of cases) {
      const toml = `[webhook."ops"]\nurl = "https://hooks.example.org/x"\nevents = ["*"]\n${line}\n`;
      assert.throws(
        () => parseWebhookConfig(toml),
        (error: WebhookConfigError) => error instanceof WebhookConfigError && !error.message.includes('TopSecretValue'),
        line,
      );
    }
  });

  it('rejects header values with CR or LF at config time, naming the header', () => {
    const toml = '[webhook."ops"]\nurl = "https://hooks.example.org/x"\nevents = ["*"]\nheaders = ["X-Team: mail\\r\\nX-Injected: 1"]\n';
    assert.throws(
      () => parseWebhookConfig(toml),
      (error: WebhookConfigError) => error.code === 'ERR_WEBHOOK_INVALID_HEADER' && /webhook\."ops"\.headers/.test(error.message),
    );
  });
});
