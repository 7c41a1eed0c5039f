import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { Webhook } from 'standardwebhooks';
import { parseWebhookConfig } from '../src/config/read-config.ts';
import { WebhookLogRecordExporter } from '../src/exporter.ts';
import { eventsOf, pipeline } from './helpers/pipeline.ts';
import type { RecordedRequest } from './helpers/receiver.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();
const secret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

/** What a Standard Webhooks receiver does: verify with the official library, or throw. */
function verified(key: string, request: RecordedRequest | undefined): unknown {
  assert.ok(request);
  return new Webhook(key).verify(request.body, request.headers as Record<string, string>);
}

describe('signature-scheme = "standard-webhooks"', () => {
  it('each request is verified by the official library; the body is the Stalwart batch; no X-Signature', async () => {
    const key = secret();
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'], signatureScheme: 'standard-webhooks', signatureKey: key });
    logger.emit({ eventName: 'auth.success', attributes: { accountName: 'jane' } });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    const body = verified(key, request) as { events: { id: string; type: string; data: unknown }[] };
    assert.deepEqual(
      body.events.map((event) => [event.type, event.data]),
      [['auth.success', { accountName: 'jane' }]],
    );
    assert.equal(request?.headers['x-signature'], undefined);
    assert.equal(request?.headers['webhook-id'], `${body.events[0]?.id}-1`);
  });

  it('a retried batch carries the same webhook-id, and each attempt its own valid timestamp and signature', async () => {
    const key = secret();
    const r = await receiver({ respond: (_, index) => ({ status: index === 0 ? 503 : 200 }) });
    const { provider, logger } = pipeline({
      url: r.url,
      events: ['*'],
      throttleMillis: 50,
      signatureScheme: 'standard-webhooks',
      signatureKey: key,
    });
    logger.emit({ eventName: 'auth.success' });
    logger.emit({ eventName: 'auth.failed' });
    const [first, second] = await r.waitForRequests(2);
    await provider.shutdown();
    assert.deepEqual(first?.body, second?.body);
    assert.equal(first?.headers['webhook-id'], second?.headers['webhook-id']);
    verified(key, first);
    verified(key, second);
  });

  it('the halves of a batch split after a 413 get new ids of their own', async () => {
    const key = secret();
    const r = await receiver({ respond: (q) => ({ status: eventsOf(q.body).length > 2 ? 413 : 200 }) });
    const { provider, logger } = pipeline({
      url: r.url,
      events: ['*'],
      throttleMillis: 5_000,
      signatureScheme: 'standard-webhooks',
      signatureKey: key,
    });
    for (let i = 0; i < 4; i++) logger.emit({ eventName: 'auth.success', attributes: { n: i } });
    await provider.forceFlush();
    await provider.shutdown();
    const ids = r.requests.map((q) => q.headers['webhook-id']);
    assert.equal(r.requests.length, 3);
    assert.equal(new Set(ids).size, 3);
    for (const request of r.requests) verified(key, request);
  });

  it('during a key rotation every configured key signs: receivers on the old or the new key accept', async () => {
    const [oldKey, newKey] = [secret(), secret()];
    const r = await receiver();
    const [options] = parseWebhookConfig(`
[webhook."rotating"]
url = "${r.url}"
events = ["*"]
signature-scheme = "standard-webhooks"
signature-key = ["${oldKey}", "${newKey}"]
`);
    assert.ok(options);
    const { provider, logger } = pipeline(options);
    logger.emit({ eventName: 'auth.success' });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    verified(oldKey, request);
    verified(newKey, request);
  });

  it('the exporter signs the same way', async () => {
    const key = secret();
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter({
      id: 'exported',
      url: r.url,
      events: ['*'],
      signatureScheme: 'standard-webhooks',
      signatureKey: key,
    });
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    verified(key, request);
    assert.equal(request?.headers['x-signature'], undefined);
  });
});
