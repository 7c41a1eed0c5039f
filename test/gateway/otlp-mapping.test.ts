// How OTLP fields become the webhook events: the OTLP/JSON mapping's details, proto3 defaults,
// and the same events from protobuf and JSON.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JSON_TYPE, jsonRequest, PROTOBUF, post, protobufBody, startTestGateway, type TestGateway } from '../helpers/otlp.ts';
import { eventsOf } from '../helpers/pipeline.ts';

const TIME = '1795000000123456789'; // 2026-11-18T11:06:40.123456789Z

describe('OTLP records through the gateway', () => {
  let t: TestGateway;
  let seen = 0;
  before(async () => {
    t = await startTestGateway([{ throttle: '10ms' }]);
  });
  after(() => t.close());

  /** Sends one request and returns the events that arrive for it. */
  async function eventsFor(body: Buffer | string, type: string): Promise<ReturnType<typeof eventsOf>> {
    const answer = await post(t.logsUrl, body, { 'content-type': type });
    assert.equal(answer.status, 200, answer.body.toString());
    await t.processors[0]?.forceFlush();
    const requests = t.receiver.requests.slice(seen);
    seen = t.receiver.requests.length;
    return requests.flatMap((request) => eventsOf(request.body));
  }

  it('reads every OTLP/JSON value form: int64 as strings and numbers, doubles, bytes, arrays and maps', async () => {
    const attributes = [
      { key: 'asString', value: { intValue: '-42' } },
      { key: 'asNumber', value: { intValue: 7 } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'notANumber', value: { doubleValue: 'NaN' } },
      { key: 'flag', value: { boolValue: false } },
      { key: 'raw', value: { bytesValue: 'AAEC/w==' } },
      { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, {}, { intValue: '1' }] } } },
      { key: 'map', value: { kvlistValue: { values: [{ key: 'inner', value: { stringValue: 'x' } }, { key: 'none' }] } } },
      { key: 'unset', value: {} },
    ];
    const body = JSON.stringify(
      jsonRequest([{ timeUnixNano: TIME, eventName: 'auth.success', attributes, somethingNew: { ignored: true } }]),
    );
    const [event] = await eventsFor(body, JSON_TYPE);
    assert.equal(event?.createdAt, '2026-11-18T11:06:40Z');
    assert.deepEqual(event?.data, {
      asString: -42,
      asNumber: 7,
      ratio: 0.5,
      notANumber: null,
      flag: false,
      raw: 'AAEC/w==',
      list: ['a', null, 1],
      map: { inner: 'x', none: null },
      unset: null,
    });
  });

  it('writes an int64 beyond 2^53 as the exact integer, from protobuf and from a JSON string', async () => {
    const attributes = [{ key: 'big', value: { intValue: '9223372036854775807' } }];
    const request = jsonRequest([{ timeUnixNano: TIME, eventName: 'auth.success', attributes }]);
    for (const [body, type] of [
      [protobufBody(request), PROTOBUF],
      [JSON.stringify(request), JSON_TYPE],
    ] as const) {
      assert.equal((await post(t.logsUrl, body, { 'content-type': type })).status, 200);
      await t.processors[0]?.forceFlush();
      seen = t.receiver.requests.length;
      assert.match(t.receiver.requests.at(-1)?.body.toString() ?? '', /"data":\{"big":9223372036854775807\}/, type);
    }
  });

  it('treats unset proto3 fields as absent: no event name falls back to event.name, no time to the observed time', async () => {
    const body = protobufBody({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  observedTimeUnixNano: TIME,
                  eventName: '',
                  severityText: '',
                  attributes: [{ key: 'event.name', value: { stringValue: 'auth.failed' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const [event] = await eventsFor(body, PROTOBUF);
    assert.equal(event?.type, 'auth.failed');
    assert.equal(event?.createdAt, '2026-11-18T11:06:40Z');
    assert.deepEqual(event?.data, {});
  });

  it('gives the same events for the same request in protobuf and in JSON', async () => {
    const record = {
      timeUnixNano: TIME,
      severityNumber: 13,
      eventName: 'smtp.rcpt-to',
      body: { kvlistValue: { values: [{ key: 'rcpt', value: { stringValue: 'bob@example.org' } }] } },
      attributes: [{ key: 'client.address', value: { stringValue: '192.0.2.9' } }],
      traceId: '5B8EFFF798038103D269B633813FC60C',
      spanId: 'EEE19B7EC3C1B174',
    };
    const fromJson = await eventsFor(JSON.stringify(jsonRequest([record])), JSON_TYPE);
    const binary = {
      ...record,
      traceId: Buffer.from(record.traceId, 'hex'),
      spanId: Buffer.from(record.spanId, 'hex'),
    };
    const fromProtobuf = await eventsFor(protobufBody(jsonRequest([binary])), PROTOBUF);
    const strip = (events: ReturnType<typeof eventsOf>) => events.map(({ id: _id, ...rest }) => rest);
    assert.deepEqual(strip(fromProtobuf), strip(fromJson));
    assert.deepEqual(fromJson[0]?.data, { remoteIp: '192.0.2.9', rcpt: 'bob@example.org' });
  });

  it('warns, in partialSuccess, about snake_case field names, which OTLP/JSON ignores', async () => {
    const body = JSON.stringify({ resource_logs: [] });
    const answer = await post(t.logsUrl, body, { 'content-type': JSON_TYPE });
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body.toString()), {
      partialSuccess: {
        rejectedLogRecords: '0',
        errorMessage: 'resource_logs ignored: OTLP/JSON field names are lowerCamelCase',
      },
    });
  });
});
