import type { ResolvedWebhookOptions } from '../../src/options.ts';

/**
 * A complete resolved webhook configuration for tests, with the documented defaults and
 * `overrides` applied; it does not go through configuration parsing.
 */
export function resolvedOptions(
  url: string,
  overrides: Partial<ResolvedWebhookOptions> = {},
): ResolvedWebhookOptions {
  return Object.freeze({
    id: 'test',
    url: new URL(url),
    events: ['*'],
    timeoutMillis: 30_000,
    throttleMillis: 1_000,
    signatureKey: undefined,
    headers: {},
    allowInvalidCerts: false,
    authorization: undefined,
    authKind: 'none',
    lossy: false,
    discardAfterMillis: 300_000,
    enable: true,
    minSeverity: 0,
    level: undefined,
    maxBatchEvents: 1_000,
    maxBatchBytes: 1_048_576,
    retryMaxMillis: 60_000,
    shutdownTimeoutMillis: 30_000,
    maxQueueEvents: 100_000,
    maxQueueBytes: 67_108_864,
    spoolDir: undefined,
    spoolMaxBytes: 67_108_864,
    eventType: undefined,
    ca: undefined,
    ...overrides,
  });
}
