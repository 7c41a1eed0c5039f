import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diag } from '@opentelemetry/api';
import { deliverySettings } from '../../src/config/delivery-settings.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { DeliveryEngine } from '../../src/delivery/engine.ts';
import type { BatchSender } from '../../src/delivery/settings.ts';
import { createTransport } from '../../src/http/transport.ts';
import { integerIdKeys } from '../../src/records/catalog.ts';
import { toWebhookEvent } from '../../src/records/event.ts';
import { eventsOf } from '../helpers/pipeline.ts';
import { receivers } from '../helpers/receivers.ts';

const receiver = receivers();

describe('batch ids', () => {
  it('are the same on every retry of a batch and new for each half after a 413', async () => {
    // 503 first, then 413 for any batch of more than 2 events.
    const r = await receiver({ respond: (q, i) => ({ status: i === 0 ? 503 : eventsOf(q.body).length > 2 ? 413 : 200 }) });
    const options = resolveWebhookOptions({ id: 'ids', url: r.url, events: ['*'], throttleMillis: 20 });
    const transport = createTransport(options);
    const ids: string[] = [];
    // The real transport, with the batch id of each request it is handed written down.
    const sender: BatchSender = {
      send: (body, batchId) => {
        ids.push(batchId);
        return transport.send(body, undefined);
      },
      close: () => transport.close(),
      destroy: () => transport.destroy(),
    };
    const engine = new DeliveryEngine({ settings: deliverySettings(options), sender, log: diag });
    for (let n = 0; n < 4; n++) {
      engine.intake.enqueue(
        toWebhookEvent(
          { eventName: 'auth.success', hrTime: [1_795_000_000, 0], attributes: { n } } as never,
          'auth.success',
          9,
          integerIdKeys,
        ),
      );
    }
    await engine.flush(10_000);
    await engine.close(1_000);
    const first = r.requests.map((q) => eventsOf(q.body)[0]?.id);
    const sizes = r.requests.map((q) => eventsOf(q.body).length);
    assert.deepEqual(sizes, [4, 4, 2, 2]);
    assert.deepEqual(ids, [`${first[0]}-4`, `${first[0]}-4`, `${first[0]}-2`, `${first[3]}-2`]);
    assert.equal(engine.stats().delivered, 4);
  });
});
