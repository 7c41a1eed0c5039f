import assert from 'node:assert/strict';
import { it } from 'node:test';
import { logs } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { WebhookLogRecordProcessor } from '../src/processor.ts';
import { eventsOf } from './helpers/pipeline.ts';
import { startReceiver } from './helpers/receiver.ts';

it('works as one of NodeSDK’s logRecordProcessors', async () => {
  const r = await startReceiver();
  const processor = new WebhookLogRecordProcessor({ id: 'sdk', url: r.url, events: ['auth.*'], signatureKey: 'k' });
  const sdk = new NodeSDK({ logRecordProcessors: [processor], instrumentations: [], autoDetectResources: false });
  sdk.start();
  try {
    logs.getLogger('app').emit({ eventName: 'auth.success', attributes: { accountName: 'jane' } });
    logs.getLogger('app').emit({ eventName: 'queue.locked' });
    await sdk.shutdown();
    const events = r.requests.flatMap((q) => eventsOf(q.body));
    assert.deepEqual(
      events.map((e) => [e.type, e.data]),
      [['auth.success', { accountName: 'jane' }]],
    );
  } finally {
    logs.disable();
    await r.close();
  }
});
