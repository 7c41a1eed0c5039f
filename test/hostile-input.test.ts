import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { MAX_WARNED_PATTERNS } from '../src/config/diagnostics.ts';
import { eventsOf, pipeline } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

/** Sends every diag message, at every level, to `sink` (its parts joined) while `run` runs. */
async function withDiag(sink: (message: string) => void, run: () => Promise<void>): Promise<void> {
  const write = (...parts: unknown[]): void => sink(parts.map(String).join(' '));
  const logger: DiagLogger = { error: write, warn: write, info: write, debug: write, verbose: write };
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  try {
    await run();
  } finally {
    diag.disable();
  }
}

describe('hostile input stays cheap', () => {
  it('drops a record whose body is built from shared references as too large, and keeps working', async () => {
    const r = await receiver();
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'] });
    // 4^14 leaves from 15 small arrays.
    let tree: unknown = 'x';
    for (let i = 0; i < 14; i++) tree = Array(4).fill(tree);
    assert.doesNotThrow(() => logger.emit({ eventName: 'auth.success', body: { tree } as never }));
    logger.emit({ eventName: 'auth.success', attributes: { n: 1 } });
    await provider.shutdown();
    assert.equal(processor.stats().dropped['too-large'], 1);
    assert.deepEqual(
      r.requests.flatMap((q) => eventsOf(q.body).map((e) => e.data.n)),
      [1],
    );
  });

  it('a record whose event name is not a string never throws, and its event.name attribute still counts', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['auth.*', '*.error', '{smtp,imap}.*', 'dsn'] });
    for (const name of [42, null, { length: 3 }, ['auth.success']]) {
      assert.doesNotThrow(() => logger.emit({ eventName: name as never, attributes: { 'event.name': 'auth.success' } }));
    }
    await provider.shutdown();
    assert.equal(r.requests.flatMap((q) => eventsOf(q.body)).length, 4);
  });

  it('drops records timed outside the years 0000 to 9999 as invalid, naming the time', async () => {
    const r = await receiver();
    const lines: string[] = [];
    let processor: ReturnType<typeof pipeline>['processor'] | undefined;
    await withDiag(
      (message) => lines.push(message),
      async () => {
        const made = pipeline({ url: r.url, events: ['*'] });
        processor = made.processor;
        for (const timestamp of [new Date(253_402_300_800_000), new Date(-62_167_219_201_000), new Date(Number.NaN)]) {
          assert.doesNotThrow(() => made.logger.emit({ eventName: 'auth.success', timestamp }));
        }
        made.logger.emit({ eventName: 'auth.success', timestamp: new Date(253_402_300_799_000), attributes: { n: 1 } });
        await made.provider.shutdown();
      },
    );
    assert.equal(processor?.stats().dropped.invalid, 3);
    const received = r.requests.flatMap((q) => eventsOf(q.body));
    assert.deepEqual(
      received.map((e) => [e.createdAt, e.data.n]),
      [['9999-12-31T23:59:59Z', 1]],
    );
    const text = lines.join('\n');
    assert.match(text, /record time hrTime \[253402300800, 0\] is not a date in the years 0000 to 9999/);
    assert.match(text, /record time hrTime \[-62167219201, 0\] is not a date/);
    assert.match(text, /record time hrTime \[NaN, NaN\] is not a date/);
  });

  it('a diag logger that emits a record per message into the same pipeline does not recurse', async () => {
    const r = await receiver();
    const { provider, logger, processor } = pipeline({ url: r.url, events: ['*'], maxQueueBytes: 1024 });
    const large = 'x'.repeat(2_000);
    const messages: string[] = [];
    let during: string[] = [];
    await withDiag(
      (message) => {
        messages.push(message);
        // Too large for this webhook too: each one is dropped, with a message of its own.
        logger.emit({ eventName: 'app.diagnostic', attributes: { message, details: large } });
      },
      async () => {
        // The record made of the API's own message about the new diag logger is written by the end of this turn.
        await new Promise((resolve) => setImmediate(resolve));
        const before = messages.length;
        assert.doesNotThrow(() => logger.emit({ eventName: 'auth.success', attributes: { details: large } }));
        // Records are written by the end of the turn that emitted them.
        await new Promise((resolve) => setImmediate(resolve));
        during = messages.slice(before);
      },
    );
    await provider.shutdown();
    // The message about the first record; the one about the record logged from it is dropped.
    assert.equal(during.length, 1, during.join('\n'));
    assert.match(during[0] ?? '', /event "auth\.success" could not be converted/);
    assert.equal(r.requests.length, 0);
    assert.ok(processor.stats().dropped['too-large'] >= 2);
  });

  it('warns about a few of thousands of unknown event types one by one, and counts the rest', async () => {
    const lines: string[] = [];
    const events = Array.from({ length: 5_000 }, (_, i) => `app.custom-event-${i}`);
    await withDiag(
      (message) => lines.push(message),
      async () => {
        const { provider } = pipeline({ url: 'http://127.0.0.1:9/', events });
        await provider.shutdown();
      },
    );
    const unknown = lines.filter((line) => /matches no known event type/.test(line));
    assert.equal(unknown.length, MAX_WARNED_PATTERNS);
    assert.ok(unknown[0]?.includes('"app.custom-event-0"'), unknown[0]);
    assert.ok(
      lines.some((line) => line.includes(`${5_000 - MAX_WARNED_PATTERNS} more events patterns match no known event type`)),
      lines.join('\n'),
    );
  });
});
