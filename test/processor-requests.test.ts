import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { createWebhookProcessors } from '../src/create-webhook-processors.ts';
import type { WebhookLogRecordProcessor } from '../src/processor.ts';
import { eventsOf, pipeline } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

describe('what the receiver gets', () => {
  it('is the exact Stalwart body, signed over its bytes', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['auth.*'], signatureKey: 'my-secret-key' });
    logger.emit({
      eventName: 'auth.success',
      timestamp: new Date('2026-11-22T10:05:14.789Z'),
      attributes: { accountName: 'jane', remoteIp: '203.0.113.9', remotePort: 993, spanId: '18446744073709551610' },
    });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    assert.ok(request);
    const [event] = eventsOf(request.body);
    assert.ok(event);
    const expected = `{"events":[{"id":"${event.id}","createdAt":"2026-11-22T10:05:14Z","type":"auth.success","data":{"accountName":"jane","remoteIp":"203.0.113.9","remotePort":993,"spanId":18446744073709551610}}]}`;
    assert.equal(request.body.toString('utf8'), expected);
    assert.match(event.id, /^\d+$/);
    const signature = createHmac('sha256', Buffer.from('my-secret-key', 'utf8')).update(request.body).digest('base64');
    assert.equal(request.headers['x-signature'], signature);
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/json');
  });

  it('carries Basic auth, Bearer auth and the configured headers', async () => {
    const r = await receiver();
    const [basic, bearer] = createWebhookProcessors([
      { id: 'basic', url: r.url, events: ['*'], auth: { username: 'account', secret: 'pässword' }, headers: ['X-My-Header: my-value'] },
      { id: 'bearer', url: r.url, events: ['*'], auth: { token: 'tok-123' } },
    ]) as [WebhookLogRecordProcessor, WebhookLogRecordProcessor];
    const provider = new LoggerProvider({ processors: [basic, bearer] });
    const logger = provider.getLogger('test');
    logger.emit({ eventName: 'auth.success' });
    const requests = await r.waitForRequests(2);
    await provider.shutdown();
    const byAuth = requests.map((q) => q.headers.authorization).sort();
    assert.deepEqual(byAuth, [`Basic ${Buffer.from('account:pässword', 'utf8').toString('base64')}`, 'Bearer tok-123']);
    const withHeader = requests.find((q) => q.headers.authorization?.startsWith('Basic'));
    assert.equal(withHeader?.headers['x-my-header'], 'my-value');
    assert.equal(requests.find((q) => q.headers.authorization?.startsWith('Bearer'))?.headers['x-my-header'], undefined);
  });

  it('has no X-Signature when no signature key is set', async () => {
    const r = await receiver();
    const { provider, logger } = pipeline({ url: r.url, events: ['*'] });
    logger.emit({ eventName: 'auth.success' });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    assert.equal(request?.headers['x-signature'], undefined);
  });
});
