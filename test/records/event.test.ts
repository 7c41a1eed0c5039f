import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { integerIdKeys } from '../../src/records/catalog.ts';
import { EventTooLargeError, MAX_NODES, toWebhookEvent } from '../../src/records/event.ts';

/** A record as the SDK hands it to processors, with only what the mapping reads. */
function record(fields: Partial<ReadableLogRecord> & { attributes?: Record<string, unknown> }): ReadableLogRecord {
  return { hrTime: [1_795_000_000, 123_456_789], attributes: {}, ...fields } as unknown as ReadableLogRecord;
}

function data(fields: Parameters<typeof record>[0]): Record<string, unknown> {
  return JSON.parse(toWebhookEvent(record(fields), 'auth.success', 9, integerIdKeys).json.toString()).data;
}

function dataText(fields: Parameters<typeof record>[0]): string {
  const json = toWebhookEvent(record(fields), 'auth.success', 9, integerIdKeys).json.toString();
  return json.slice(json.indexOf('"data":') + 7, -1);
}

describe('event envelope', () => {
  it('has id, createdAt, type and data in that order, compact', () => {
    const event = toWebhookEvent(record({ attributes: { accountName: 'jane' } }), 'auth.success', 9, integerIdKeys);
    assert.match(event.json.toString(), /^\{"id":"\d+","createdAt":"[^"]+","type":"auth\.success","data":\{"accountName":"jane"\}\}$/);
    assert.deepEqual(Object.keys(JSON.parse(event.json.toString())), ['id', 'createdAt', 'type', 'data']);
  });

  it('writes createdAt as whole-second RFC 3339 UTC from the record time', () => {
    const event = toWebhookEvent(record({}), 'auth.success', 9, integerIdKeys);
    assert.equal(JSON.parse(event.json.toString()).createdAt, new Date(1_795_000_000_000).toISOString().replace('.000Z', 'Z'));
    assert.equal(JSON.parse(event.json.toString()).createdAt, '2026-11-18T11:06:40Z');
  });

  it('writes each record its own createdAt and type when times and types alternate', () => {
    const times: [number, number][] = [
      [1_795_000_000, 999_999_999],
      [1_795_000_001, 0],
      [1_795_000_000, 5],
      [-1, 500_000_000],
      [1_795_000_001, 1],
    ];
    const written = times.flatMap((hrTime, i) =>
      ['auth.success', 'auth.failed'].map((type) => {
        const json = JSON.parse(toWebhookEvent(record({ hrTime, attributes: { i } }), type, 9, integerIdKeys).json.toString());
        return [json.createdAt, json.type];
      }),
    );
    const expected = times.flatMap(([seconds]) =>
      ['auth.success', 'auth.failed'].map((type) => [new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'), type]),
    );
    assert.deepEqual(written, expected);
  });

  it('writes types named like object properties as any other, each with its own data', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', 'auth.success'];
    for (let round = 0; round < 2; round++) {
      for (const [i, type] of names.entries()) {
        const event = toWebhookEvent(record({ attributes: { accountName: `u${i}`, round } }), type, 9, integerIdKeys);
        const parsed = JSON.parse(event.json.toString());
        assert.equal(parsed.type, type);
        assert.deepEqual(parsed.data, { accountName: `u${i}`, round });
      }
    }
  });

  it('gives every event a distinct id of decimal digits below 2^64', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const { id } = toWebhookEvent(record({}), 'auth.success', 9, integerIdKeys);
      assert.match(id, /^\d{1,20}$/);
      assert.ok(BigInt(id) < 2n ** 64n);
      ids.add(id);
    }
    assert.equal(ids.size, 10_000);
  });

  it('counts the UTF-8 bytes of the serialized event', () => {
    const event = toWebhookEvent(record({ attributes: { details: 'naïve ✓' } }), 'auth.success', 9, integerIdKeys);
    assert.equal(event.bytes, Buffer.byteLength(event.json.toString(), 'utf8'));
  });

  it('escapes the type name as a JSON string', () => {
    const event = toWebhookEvent(record({}), 'custom."quoted"', 9, integerIdKeys);
    assert.equal(JSON.parse(event.json.toString()).type, 'custom."quoted"');
  });
});

describe('event data from attributes', () => {
  it('keeps strings, integers, floats and booleans as JSON values', () => {
    assert.deepEqual(data({ attributes: { accountName: 'jane', remotePort: 993, elapsed: 12, ratio: 0.25, tls: true, strict: false } }), {
      accountName: 'jane',
      remotePort: 993,
      elapsed: 12,
      ratio: 0.25,
      tls: true,
      strict: false,
    });
  });

  it('writes non-finite numbers as null', () => {
    assert.equal(dataText({ attributes: { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: -0 } }), '{"a":null,"b":null,"c":0}');
  });

  it('writes bytes as standard base64 with padding', () => {
    assert.deepEqual(data({ attributes: { contents: new Uint8Array([0xfb, 0xff, 0x00, 0x41]) } }), { contents: '+/8AQQ==' });
  });

  it('writes arrays and maps recursively', () => {
    assert.deepEqual(data({ attributes: { to: ['a@x', 'b@y'], result: { code: 250, tags: [1, 'two', true] } } }), {
      to: ['a@x', 'b@y'],
      result: { code: 250, tags: [1, 'two', true] },
    });
  });

  it('omits keys without a value and never writes event.name', () => {
    assert.equal(
      dataText({ attributes: { 'event.name': 'auth.success', gone: undefined, fn: () => 1, sym: Symbol('s'), keep: null } }),
      '{"keep":null}',
    );
  });

  it('writes decimal-digit strings under 64-bit id keys as exact JSON integers', () => {
    const text = dataText({ attributes: { spanId: '18446744073709551615', queueId: '9007199254740993', accountId: '42' } });
    assert.equal(text, '{"spanId":18446744073709551615,"queueId":9007199254740993,"accountId":"42"}');
  });

  it('keeps id strings that are not unsigned 64-bit integers as strings', () => {
    assert.equal(
      dataText({ attributes: { spanId: '18446744073709551616', queueId: '0x1f', changeId: '007' } }),
      '{"spanId":"18446744073709551616","queueId":"0x1f","changeId":"007"}',
    );
  });

  it('compares a 20-digit id with 2^64 - 1 digit by digit: below it is an integer, above it a string', () => {
    assert.equal(
      dataText({ attributes: { spanId: '18446744073709551599', queueId: '10000000000000000000', changeId: '18446744073709551700' } }),
      '{"spanId":18446744073709551599,"queueId":10000000000000000000,"changeId":"18446744073709551700"}',
    );
    assert.equal(dataText({ attributes: { spanId: '19000000000000000000' } }), '{"spanId":"19000000000000000000"}');
    assert.equal(dataText({ attributes: { spanId: '1844674407370955161x' } }), '{"spanId":"1844674407370955161x"}');
  });

  it('writes bigints exactly', () => {
    assert.equal(dataText({ attributes: { result: { queueId: 12345678901234567890n } } }), '{"result":{"queueId":12345678901234567890}}');
  });

  it('cuts cycles to null instead of failing', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    assert.deepEqual(data({ attributes: { details: cyclic } }), { details: { name: 'loop', self: null } });
  });

  it('cuts absurd nesting to null instead of failing', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const parsed = data({ attributes: { deep } });
    let depth = 0;
    let node = parsed.deep;
    while (Array.isArray(node)) {
      node = node[0];
      depth++;
    }
    assert.equal(node, null);
    assert.ok(depth > 5 && depth < 20, `depth ${depth}`);
  });

  it('maps OTel semantic-convention keys to Stalwart keys when the Stalwart key is absent', () => {
    assert.deepEqual(
      data({
        attributes: {
          'client.address': '203.0.113.9',
          'client.port': 51000,
          'server.address': '192.0.2.1',
          'server.port': 993,
          'user.name': 'jane',
        },
      }),
      {
        remoteIp: '203.0.113.9',
        remotePort: 51000,
        localIp: '192.0.2.1',
        localPort: 993,
        accountName: 'jane',
      },
    );
  });

  it('prefers the Stalwart key over its semantic-convention twin', () => {
    assert.deepEqual(data({ attributes: { remoteIp: '198.51.100.1', 'client.address': '203.0.113.9' } }), { remoteIp: '198.51.100.1' });
  });

  it('turns a string body into details unless a details attribute exists', () => {
    assert.deepEqual(data({ body: 'login from new device', attributes: { accountName: 'jane' } }), {
      accountName: 'jane',
      details: 'login from new device',
    });
    assert.deepEqual(data({ body: 'ignored', attributes: { details: 'kept' } }), { details: 'kept' });
  });

  it('adds the fields of a map body that the attributes do not have', () => {
    assert.deepEqual(data({ body: { reason: 'quota', accountName: 'other' } as never, attributes: { accountName: 'jane' } }), {
      accountName: 'jane',
      reason: 'quota',
    });
  });

  it('copies the record: later changes to its attributes do not change the event', () => {
    const attributes: Record<string, unknown> = { accountName: 'jane' };
    const event = toWebhookEvent(record({ attributes }), 'auth.success', 9, integerIdKeys);
    attributes.accountName = 'mallory';
    assert.equal(JSON.parse(event.json.toString()).data.accountName, 'jane');
  });

  it('does not modify the record', () => {
    const attributes = Object.freeze({ 'client.address': '203.0.113.9', 'event.name': 'auth.success' });
    const frozen = Object.freeze(record({ attributes, body: 'x' }));
    assert.doesNotThrow(() => toWebhookEvent(frozen, 'auth.success', 9, integerIdKeys));
  });
});

describe('createdAt outside the years RFC 3339 can write', () => {
  const convert = (hrTime: unknown): string =>
    JSON.parse(toWebhookEvent(record({ hrTime } as never), 'auth.success', 9, integerIdKeys).json.toString()).createdAt;

  it('writes the first second of year 0000 and the last second of year 9999', () => {
    assert.equal(convert([-62_167_219_200, 0]), '0000-01-01T00:00:00Z');
    assert.equal(convert([253_402_300_799, 999_999_999]), '9999-12-31T23:59:59Z');
  });

  it('refuses a record time after year 9999, naming it', () => {
    assert.throws(() => convert([253_402_300_800, 0]), /record time hrTime \[253402300800, 0\] is not a date in the years 0000 to 9999/);
  });

  it('refuses a record time before year 0000, naming it', () => {
    assert.throws(() => convert([-62_167_219_200, -1_000_000]), /record time hrTime \[-62167219200, -1000000\] is not a date/);
  });

  it('refuses a record time that is not a number', () => {
    for (const hrTime of [
      [Number.NaN, Number.NaN],
      [Number.POSITIVE_INFINITY, 0],
      [0, Number.NaN],
    ]) {
      assert.throws(() => convert(hrTime), /is not a date in the years 0000 to 9999/, String(hrTime));
    }
  });

  it('writes a Date value in data outside the years 0000 to 9999 as null', () => {
    assert.equal(
      dataText({ attributes: { late: new Date(253_402_300_800_000), early: new Date(-62_167_219_201_000), ok: new Date(0) } }),
      '{"late":null,"early":null,"ok":"1970-01-01T00:00:00Z"}',
    );
  });
});

describe('values too large to write', () => {
  const convert = (fields: Parameters<typeof record>[0], maxBytes?: number) =>
    toWebhookEvent(record(fields), 'auth.success', 9, integerIdKeys, maxBytes);

  it('stops a body built from shared references after a bounded number of values', () => {
    // 4^14 leaves from 15 arrays: small in memory, endless when written out.
    let tree: unknown = 'x';
    for (let i = 0; i < 14; i++) tree = Array(4).fill(tree);
    assert.throws(
      () => convert({ body: { tree } as never }),
      (error: unknown) => error instanceof EventTooLargeError && error.message === `more than ${MAX_NODES} values`,
    );
  });

  it('stops a map of shared maps the same way', () => {
    let tree: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 14; i++) tree = { a: tree, b: tree, c: tree, d: tree };
    assert.throws(() => convert({ attributes: { tree } }), EventTooLargeError);
  });

  it('stops once the text would exceed the limit given', () => {
    assert.throws(() => convert({ attributes: { details: 'x'.repeat(2_000) } }, 1_000), EventTooLargeError);
    assert.throws(() => convert({ attributes: { to: Array(200).fill('abcdefgh') } }, 1_000), EventTooLargeError);
    assert.throws(() => convert({ body: { ['k'.repeat(2_000)]: 1 } as never }, 1_000), EventTooLargeError);
    assert.throws(() => convert({ attributes: { contents: new Uint8Array(1_000) } }, 1_000), EventTooLargeError);
  });

  it('writes an event just within the limit (its whole JSON, envelope included)', () => {
    const event = convert({ attributes: { details: 'x'.repeat(850) } }, 1_000);
    assert.equal(JSON.parse(event.json.toString()).data.details.length, 850);
    assert.ok(event.bytes <= 1_000);
  });
});
