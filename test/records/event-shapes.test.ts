import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { integerIdKeys } from '../../src/records/catalog.ts';
import { toWebhookEvent } from '../../src/records/event.ts';

/** A record as the SDK hands it to processors, with only what the mapping reads. */
function record(attributes: Record<string, unknown>): ReadableLogRecord {
  return { hrTime: [1_795_000_000, 123_456_789], attributes } as unknown as ReadableLogRecord;
}

describe('records of one type with different attributes', () => {
  /** The data written for each record, all as events of one type, one after the other. */
  const written = (list: Record<string, unknown>[]): unknown[] =>
    list.map((attributes) => JSON.parse(toWebhookEvent(record(attributes), 'smtp.rcpt-to', 9, integerIdKeys).json.toString()).data);

  it('writes each record its own keys when keys change order, go missing or are added', () => {
    const list: Record<string, unknown>[] = [
      { to: 'a@x', spanId: '7', remotePort: 25 },
      { remotePort: 26, to: 'b@x', spanId: '8' },
      { to: 'c@x' },
      { to: 'd@x', spanId: '9', remotePort: 27, extra: 'e', 'event.name': 'smtp.rcpt-to' },
      { spanId: 'not digits', to: 'e@x' },
      { to: 'f@x', spanId: '10', remotePort: 28 },
    ];
    assert.deepEqual(written(list), [
      { to: 'a@x', spanId: 7, remotePort: 25 },
      { remotePort: 26, to: 'b@x', spanId: 8 },
      { to: 'c@x' },
      { to: 'd@x', spanId: 9, remotePort: 27, extra: 'e' },
      { spanId: 'not digits', to: 'e@x' },
      { to: 'f@x', spanId: 10, remotePort: 28 },
    ]);
  });

  it('maps a semantic-convention key in a record whose type was written without one', () => {
    assert.deepEqual(
      written([
        { to: 'a@x', remotePort: 25 },
        { to: 'b@x', 'client.port': 26 },
        { to: 'c@x', remotePort: 27 },
      ]),
      [
        { to: 'a@x', remotePort: 25 },
        { to: 'b@x', remotePort: 26 },
        { to: 'c@x', remotePort: 27 },
      ],
    );
  });

  it('writes events of thousands of distinct types, beyond what is remembered, with their own type and data', () => {
    for (let i = 0; i < 3000; i++) {
      const type = `custom.type-${i}`;
      const json = JSON.parse(toWebhookEvent(record({ n: i, [`key${i % 7}`]: 'v' }), type, 9, integerIdKeys).json.toString());
      assert.equal(json.type, type);
      assert.deepEqual(json.data, { n: i, [`key${i % 7}`]: 'v' });
    }
  });

  it('writes records whose keys are too long to remember, each with its own keys', () => {
    const long = (i: number): string => `${'k'.repeat(300)}${i}`;
    assert.deepEqual(written([{ [long(1)]: 'a' }, { [long(2)]: 'b' }, { [long(1)]: 'c', to: 'd' }]), [
      { [long(1)]: 'a' },
      { [long(2)]: 'b' },
      { [long(1)]: 'c', to: 'd' },
    ]);
  });
});
