import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { WebhookConfigError } from '../src/config/errors.ts';
import type { WebhookOverrides } from '../src/config/options.ts';
import { createWebhookProcessors } from '../src/create-webhook-processors.ts';
import { testMetrics } from './helpers/metrics.ts';
import { EXPORTED } from './helpers/metrics-stats.ts';
import { eventsOf } from './helpers/pipeline.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

/** Two webhooks of one TOML configuration, both sending every event to `url`. */
function twoWebhooks(url: string): string {
  return `[webhook."audit"]\nurl = "${url}"\nevents = ["*"]\n\n[webhook."ops"]\nurl = "${url}"\nevents = ["auth.*"]\n`;
}

function configError(run: () => unknown): WebhookConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof WebhookConfigError, String(error));
    return error;
  }
  return assert.fail('no WebhookConfigError thrown');
}

describe('createWebhookProcessors overrides', () => {
  it('gives every webhook of a TOML configuration the code-only options: a meter provider and an eventType mapper', async () => {
    const r = await receiver();
    const m = testMetrics();
    const processors = createWebhookProcessors(twoWebhooks(r.url), {
      selfObsMeterProvider: m.provider,
      eventType: (record) => (record.body === 'login' ? 'auth.success' : undefined),
    });
    const provider = new LoggerProvider({ processors });
    provider.getLogger('t').emit({ body: 'login' });
    await provider.forceFlush();
    assert.deepEqual(
      r.requests.map((q) => eventsOf(q.body).map((e) => e.type)),
      [['auth.success'], ['auth.success']],
    );
    const s = await m.collect();
    assert.equal(s.sum(EXPORTED, { 'otel.component.name': 'audit' }), 1);
    assert.equal(s.sum(EXPORTED, { 'otel.component.name': 'ops' }), 1);
    await provider.shutdown();
  });

  it('looks macros up in the environment given third', async () => {
    const r = await receiver();
    const processors = createWebhookProcessors(
      `[webhook."x"]\nurl = "%{env:HOOK_URL}%"\nevents = ["*"]\n`,
      {},
      { env: { HOOK_URL: r.url } },
    );
    const provider = new LoggerProvider({ processors });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    await provider.shutdown();
    assert.equal(r.requests.length, 1);
  });

  it('refuses an option the configuration can set, naming it', () => {
    const error = configError(() => createWebhookProcessors(twoWebhooks('http://127.0.0.1:9/'), { timeout: '5s' } as WebhookOverrides));
    assert.equal(error.code, 'ERR_WEBHOOK_UNSUPPORTED_OPTION');
    assert.equal(error.key, 'overrides.timeout');
    assert.match(error.message, /^overrides\.timeout: only code-only options \(eventType, ca, selfObsMeterProvider\) can be overridden/);
  });

  it('refuses { env } as the second argument and says where it goes', () => {
    const error = configError(() => createWebhookProcessors(twoWebhooks('http://127.0.0.1:9/'), { env: {} } as WebhookOverrides));
    assert.equal(error.key, 'overrides.env');
    assert.match(error.message, /third argument/);
  });

  it('refuses an unknown key with the closest code-only option', () => {
    const error = configError(() =>
      createWebhookProcessors(twoWebhooks('http://127.0.0.1:9/'), { evenType: () => 'x' } as WebhookOverrides),
    );
    assert.equal(error.code, 'ERR_WEBHOOK_UNKNOWN_KEY');
    assert.equal(error.message, 'overrides.evenType: unknown option, did you mean "eventType"?');
  });

  it('refuses an override of an option a webhook’s own options set', () => {
    const webhooks = [{ id: 'a', url: 'http://127.0.0.1:9/', events: ['*'], eventType: () => 'auth.success' }];
    const error = configError(() => createWebhookProcessors(webhooks, { eventType: () => undefined }));
    assert.equal(error.key, 'overrides.eventType');
    assert.match(error.message, /webhook "a" sets eventType in its own options already/);
  });

  it('validates override values as options, naming the key', () => {
    const error = configError(() => createWebhookProcessors(twoWebhooks('http://127.0.0.1:9/'), { selfObsMeterProvider: {} as never }));
    assert.equal(error.key, 'selfObsMeterProvider');
    assert.match(error.message, /must be a MeterProvider/);
  });

  it('shows a meter provider as [MeterProvider] in the options view, util.inspect and JSON', async () => {
    const m = testMetrics();
    const processors = createWebhookProcessors(twoWebhooks('http://127.0.0.1:9/'), { selfObsMeterProvider: m.provider });
    const [processor] = processors;
    assert.ok(processor);
    assert.match(JSON.stringify(processor), /"selfObsMeterProvider":"\[MeterProvider\]"/);
    assert.match(inspect(processor, { depth: 4 }), /selfObsMeterProvider: \[MeterProvider\]/);
    await Promise.all(processors.map((p) => p.shutdown()));
  });
});
