import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { EXIT_SIGNALS } from '../../src/delivery/process-exit.ts';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { receivers } from '../helpers/receivers.ts';

const receiver = receivers();
const EVENTS = ['beforeExit', 'exit', ...EXIT_SIGNALS] as const;

function listenerCounts(): number[] {
  return EVENTS.map((name) => process.listenerCount(name));
}

describe('process exit listeners', () => {
  it('are one per process event for 20 live webhooks, with no MaxListeners warning', async () => {
    const r = await receiver();
    const before = listenerCounts();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    const processors = Array.from({ length: 20 }, (_, i) => new WebhookLogRecordProcessor({ id: `w${i}`, url: r.url, events: ['*'] }));
    const provider = new LoggerProvider({ processors });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    assert.deepEqual(
      listenerCounts(),
      before.map((n) => n + 1),
    );
    await provider.shutdown();
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    assert.deepEqual(
      warnings.map((w) => w.name),
      [],
    );
  });

  it('are all removed once the last webhook has shut down', async () => {
    const r = await receiver();
    const before = listenerCounts();
    const first = new WebhookLogRecordProcessor({ id: 'first', url: r.url, events: ['*'] });
    const second = new WebhookLogRecordProcessor({ id: 'second', url: r.url, events: ['*'] });
    const provider = new LoggerProvider({ processors: [first, second] });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    await first.shutdown();
    assert.deepEqual(
      listenerCounts(),
      before.map((n) => n + 1),
      'the second webhook is still live',
    );
    await second.shutdown();
    assert.deepEqual(listenerCounts(), before);
  });

  it('are not added by a webhook that has received no event', () => {
    const before = listenerCounts();
    const processor = new WebhookLogRecordProcessor({ id: 'quiet', url: 'http://127.0.0.1:9/', events: ['*'] });
    assert.deepEqual(listenerCounts(), before);
    void processor.shutdown();
  });
});
