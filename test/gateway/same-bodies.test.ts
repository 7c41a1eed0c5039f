// The same records, emitted in-process and sent through the gateway by the real OTLP exporters,
// give byte-identical webhook bodies (event ids aside, which are unique per event).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Logger, SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { WebhookOptions } from '../../src/config/options.ts';
import { type Gateway, type RequestInfo, startGateway } from '../../src/gateway/index.ts';
import { verifySignature } from '../../src/http/sign.ts';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';

const KEY = 'same-bodies-key';
const at = (iso: string): Date => new Date(iso);

/** The webhook both ways: a mapper that names untyped records from their resource and scope. */
function webhook(id: string, url: string): WebhookOptions {
  return {
    id,
    url,
    events: ['*', '!smtp.spam-*'],
    signatureKey: KEY,
    maxQueueBytes: 65_536,
    eventType: (record) => {
      const kind = record.resource.attributes['mail.default-event'];
      const scope = record.instrumentationScope;
      if (typeof kind !== 'string') return undefined;
      return scope.attributes?.['mail.role'] === 'inbound' ? 'auth.success' : kind;
    },
  };
}

/** One error for both ways: its stack names where it was made. */
const FAILURE = new TypeError('connection reset');

const resourceAttributes = { 'service.name': 'mail', 'mail.default-event': 'queue.queue-message' };

/** Records of every value kind an SDK can carry, from two scopes (grouped by scope, as OTLP sends them). */
function emitAll(smtp: Logger, auth: Logger): void {
  smtp.emit({
    eventName: 'smtp.connection-start',
    timestamp: at('2026-11-22T10:05:14.123Z'),
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    attributes: { remoteIp: '192.0.2.1', remotePort: 587, tls: true, ratio: 0.25, negative: -7, largest: Number.MAX_SAFE_INTEGER },
  });
  smtp.emit({
    eventName: 'smtp.mail-from',
    timestamp: at('2026-11-22T10:05:15.5Z'),
    body: 'details as the body',
    attributes: { list: ['a', 1, true, null], nested: { a: { b: [1, 2, { c: 'd' }] } }, bytes: new Uint8Array([0, 1, 2, 255]) },
  });
  smtp.emit({ eventName: 'smtp.rcpt-to', timestamp: 1795000000123.456, body: { rcpt: 'bob@example.org', size: 1234, tags: ['x'] } });
  smtp.emit({ eventName: 'smtp.spam-check-failed', timestamp: at('2026-11-22T10:05:16Z') });
  smtp.emit({ timestamp: at('2026-11-22T10:05:17Z'), attributes: { queueId: '18446744073709551615', changeId: '42' } });
  smtp.emit({ eventName: 'smtp.error', timestamp: at('2026-11-22T10:05:18Z'), exception: FAILURE });
  smtp.emit({ eventName: 'smtp.error', timestamp: at('2026-11-22T10:05:18Z'), attributes: { blob: 'x'.repeat(70_000) } });
  auth.emit({
    timestamp: at('2026-11-22T10:05:19Z'),
    severityNumber: SeverityNumber.WARN,
    attributes: { 'event.name': 'auth.failed', 'client.address': '198.51.100.7', 'user.name': 'bob', text: 'żółw 🐢 "q" \\ \n\t' },
  });
  auth.emit({ timestamp: at('2026-11-22T10:05:20Z'), attributes: { 'event.name': 'auth.success', nan: Number.NaN, empty: '' } });
  auth.emit({ eventName: 'auth.success', timestamp: at('2026-11-22T10:05:21Z'), attributes: { accountName: 'jane' } });
  auth.emit({ timestamp: at('2026-11-22T10:05:22Z'), attributes: { accountName: 'carol' } });
}

function loggers(provider: LoggerProvider): [Logger, Logger] {
  return [
    provider.getLogger('smtp', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }),
    provider.getLogger('auth', undefined, { attributes: { 'mail.role': 'inbound' } }),
  ];
}

/** The body with every event id replaced by its position, and the signature checked. */
function normalised(receiver: Receiver, path: string): string {
  const requests = receiver.requests.filter((request) => request.path === path);
  assert.equal(requests.length, 1, `one request on ${path}`);
  const [request] = requests;
  assert.ok(request !== undefined);
  assert.ok(verifySignature(request.body, String(request.headers['x-signature']), KEY), `signature on ${path}`);
  let n = 0;
  return request.body.toString('utf8').replace(/"id":"\d+"/g, () => `"id":"#${n++}"`);
}

describe('records through the gateway', () => {
  let receiver: Receiver;
  let base: string;

  before(async () => {
    receiver = await startReceiver();
    base = receiver.url.replace(/\/hook$/, '');
  });
  after(() => receiver.close());

  for (const [name, makeExporter] of [
    ['OTLP/JSON', (url: string) => new JsonExporter({ url })],
    ['OTLP/protobuf', (url: string) => new ProtobufExporter({ url })],
    ['OTLP/protobuf with gzip', (url: string) => new ProtobufExporter({ url, compression: 'gzip' as never })],
    ['OTLP/JSON with gzip', (url: string) => new JsonExporter({ url, compression: 'gzip' as never })],
  ] as const) {
    it(`give the same webhook bodies as in-process emits (${name})`, async () => {
      const tag = name.replace(/\W+/g, '-');
      const direct = new WebhookLogRecordProcessor(webhook('direct', `${base}/direct-${tag}`));
      const resource = resourceFromAttributes(resourceAttributes);
      const inProcess = new LoggerProvider({ resource, processors: [direct] });
      emitAll(...loggers(inProcess));
      await inProcess.forceFlush();

      const viaGateway = new WebhookLogRecordProcessor(webhook('gateway', `${base}/gateway-${tag}`));
      const seen: RequestInfo[] = [];
      const gateway: Gateway = await startGateway({ processors: [viaGateway], port: 0, onRequest: (info) => seen.push(info) });
      const exporter = makeExporter(`${gateway.url}/v1/logs`) as unknown as LogRecordExporter;
      const sender = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter })] });
      emitAll(...loggers(sender));
      await sender.forceFlush();
      await viaGateway.forceFlush();

      try {
        // The exporter sent what the test name says.
        assert.deepEqual(
          seen.map((info) => [info.status, info.encoding, info.gzip]),
          [[200, name.includes('JSON') ? 'json' : 'protobuf', name.includes('gzip')]],
        );
        const expected = normalised(receiver, `/direct-${tag}`);
        assert.equal(normalised(receiver, `/gateway-${tag}`), expected);
        // Every kind of record made it: the mapper's types from resource and scope, aliases, the body.
        for (const part of [
          '"queue.queue-message"',
          '"auth.success","data":{"accountName":"carol"}',
          '"remoteIp":"198.51.100.7"',
          '"details":"details as the body"',
        ]) {
          assert.ok(expected.includes(part), `${part} in ${expected}`);
        }
        // The event larger than max-queue-bytes is dropped both ways, and reported back to the sender.
        assert.equal(direct.stats().dropped['too-large'], 1);
        assert.equal(viaGateway.stats().dropped['too-large'], 1);
        assert.equal(gateway.stats().rejected, 1);
      } finally {
        await sender.shutdown();
        await gateway.shutdown();
        await inProcess.shutdown();
      }
    });
  }
});
