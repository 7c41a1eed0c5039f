// When a webhook cannot take more, the gateway tells the sender to retry (429/503 with
// Retry-After) instead of taking records and dropping them; records that can never be sent are
// reported as OTLP partial success.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import {
  get,
  JSON_TYPE,
  jsonRecord,
  jsonRequest,
  PROTOBUF,
  post,
  protobufBody,
  protobufResponse,
  startTestGateway,
  type TestGateway,
} from '../helpers/otlp.ts';
import { eventsOf } from '../helpers/pipeline.ts';
import { waitUntil } from '../helpers/poll.ts';

/** `count` auth.success records as an OTLP/JSON body, their `n` attributes from `first`. */
function records(first: number, count: number, extra: Record<string, string> = {}): string {
  const list = Array.from({ length: count }, (_, i) => jsonRecord('auth.success', { n: String(first + i), ...extra }));
  return JSON.stringify(jsonRequest(list));
}

const send = (t: TestGateway, body: string) => post(t.logsUrl, body, { 'content-type': JSON_TYPE });

const until = (check: () => boolean, what: string, timeoutMillis = 10_000): Promise<void> => waitUntil(check, timeoutMillis, what);

function delivered(t: TestGateway): string[] {
  return t.receiver.requests.flatMap((request) => eventsOf(request.body).map((event) => String(event.data.n)));
}

describe('the gateway under backpressure', () => {
  let t: TestGateway | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers 429 with Retry-After while a queue is full, and takes the records once there is room', async () => {
    let down = true;
    const answered: number[] = [];
    t = await startTestGateway(
      [{ maxQueueEvents: 10, throttle: '100ms', retryMax: '200ms' }],
      {},
      {
        respond: () => {
          answered.push(down ? 503 : 200);
          return { status: down ? 503 : 200 };
        },
      },
    );
    assert.equal((await send(t, records(0, 8))).status, 200);
    const refused = await send(t, records(8, 5));
    assert.equal(refused.status, 429);
    assert.match(String(refused.headers['retry-after']), /^[1-9]\d*$/);
    assert.match(
      (JSON.parse(refused.body.toString()) as { message: string }).message,
      /webhook "hook0" cannot take more now \(max-queue-events 10; 8 events pending\)/,
    );
    const stats = t.processors[0]?.stats();
    assert.deepEqual(Object.values(stats?.dropped ?? {}), [0, 0, 0, 0, 0, 0, 0], 'nothing dropped');
    assert.equal(stats?.accepted, 8);

    down = false;
    await until(() => t?.processors[0]?.stats().pending === 0, 'the first 8 delivered');
    assert.equal((await send(t, records(8, 5))).status, 200);
    await until(() => t?.processors[0]?.stats().delivered === 13, 'all 13 delivered');
    const ok = t.receiver.requests.filter((_, i) => answered[i] === 200).flatMap((request) => eventsOf(request.body).map((e) => e.data.n));
    assert.deepEqual(
      ok.map(Number).sort((a, b) => a - b),
      [...Array(13).keys()],
      'each record delivered once',
    );
  });

  it('answers 429 when a spool is full, keeping what it took', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-spool-'));
    try {
      t = await startTestGateway([{ spoolDir: dir, spoolMaxBytes: 65_536, throttle: '10s' }], {}, { respond: () => ({ status: 503 }) });
      const padding = { padding: 'x'.repeat(2000) };
      assert.equal((await send(t, records(0, 20, padding))).status, 200);
      const refused = await send(t, records(20, 20, padding));
      assert.equal(refused.status, 429);
      assert.match((JSON.parse(refused.body.toString()) as { message: string }).message, /spool-max-bytes 65536/);
      assert.ok(refused.headers['retry-after'] !== undefined);
    } finally {
      await t?.gateway.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes records beyond max-queue-events into a webhook spool while its endpoint is down, and delivers them in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-spool-'));
    try {
      let down = true;
      const accepted: string[] = [];
      t = await startTestGateway(
        [{ spoolDir: dir, maxQueueEvents: 10, throttle: '100ms', retryMax: '200ms' }],
        {},
        {
          respond: (request) => {
            if (down) return { status: 503 };
            accepted.push(...eventsOf(request.body).map((event) => String(event.data.n)));
            return { status: 200 };
          },
        },
      );
      assert.equal((await send(t, records(0, 8))).status, 200);
      assert.equal((await send(t, records(8, 12))).status, 200, 'the spool takes what memory has no room for');
      down = false;
      await until(() => accepted.length >= 20, 'all 20 records delivered');
      assert.deepEqual(
        accepted,
        Array.from({ length: 20 }, (_, i) => String(i)),
      );
    } finally {
      await t?.gateway.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes what fits into an empty queue and reports the rest rejected, since no retry can help', async () => {
    t = await startTestGateway([{ maxQueueEvents: 3, throttle: '10s' }]);
    const answer = await send(t, records(0, 5));
    assert.equal(answer.status, 200);
    const { partialSuccess } = JSON.parse(answer.body.toString()) as {
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    };
    assert.equal(partialSuccess.rejectedLogRecords, '2');
    assert.match(partialSuccess.errorMessage, /webhook "hook0": records did not fit its empty queue .*: 2$/);
  });

  it('never answers 429 for a lossy webhook, which sheds by design', async () => {
    t = await startTestGateway([{ lossy: true, maxQueueEvents: 2, throttle: '10s' }], {}, { respond: () => ({ status: 503 }) });
    for (let i = 0; i < 3; i++) assert.equal((await send(t, records(i * 5, 5))).status, 200);
    assert.ok((t.processors[0]?.stats().dropped.overflow ?? 0) > 0, 'the lossy webhook shed events');
  });

  it('reports records rejected for good as partial success, in protobuf too', async () => {
    t = await startTestGateway([{ maxQueueBytes: 4096 }]);
    const big = { key: 'blob', value: { stringValue: 'x'.repeat(5000) } };
    const body = protobufBody({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { eventName: 'auth.success', timeUnixNano: '1795000000000000000' },
                { eventName: 'auth.failed', attributes: [big] },
              ],
            },
          ],
        },
      ],
    });
    const answer = await post(t.logsUrl, body, { 'content-type': PROTOBUF });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], PROTOBUF);
    const { partialSuccess } = protobufResponse(answer.body);
    assert.equal(partialSuccess?.rejectedLogRecords, '1');
    assert.match(
      partialSuccess?.errorMessage ?? '',
      /webhook "hook0": records were larger than the webhook's max-queue-bytes \(too-large\): 1/,
    );
    await t.receiver.waitForRequests(1);
    assert.deepEqual(
      eventsOf(t.receiver.requests[0]?.body ?? Buffer.alloc(0)).map((event) => event.type),
      ['auth.success'],
    );
  });

  it('answers 503 and is not ready once every webhook is stopped by 410 Gone', async () => {
    t = await startTestGateway([{}], {}, { respond: () => ({ status: 410 }) });
    assert.equal((await send(t, records(0, 1))).status, 200);
    await until(() => t?.processors[0]?.stats().state === 'gone', 'the webhook to stop');
    const refused = await send(t, records(1, 1));
    assert.equal(refused.status, 503);
    assert.ok(refused.headers['retry-after'] !== undefined);
    const ready = await get(`${t.gateway.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(ready.body.toString(), /every webhook is stopped/);
    assert.equal((await get(`${t.gateway.url}/healthz`)).status, 200, 'alive all the same');
  });

  it('answers 503 while shutting down, and delivers what it took before', async () => {
    t = await startTestGateway([{ throttle: '100ms' }], {}, { respond: () => ({ status: 200, delayMillis: 300 }) });
    assert.equal((await send(t, records(0, 3))).status, 200);
    assert.equal((await get(`${t.gateway.url}/readyz`)).status, 200);
    const closing = t.gateway.shutdown();
    const refused = await send(t, records(3, 1));
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '5');
    assert.equal((await get(`${t.gateway.url}/readyz`)).status, 503);
    await closing;
    assert.deepEqual(delivered(t).map(Number), [0, 1, 2]);
  });
});
