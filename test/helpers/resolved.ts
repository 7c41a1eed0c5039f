import { defaultWebhookSettings, type ResolvedWebhookOptions } from '../../src/config/options.ts';

/**
 * A complete resolved webhook configuration for tests, with the documented defaults and
 * `overrides` applied; it does not go through configuration parsing.
 */
export function resolvedOptions(url: string, overrides: Partial<ResolvedWebhookOptions> = {}): ResolvedWebhookOptions {
  return Object.freeze({
    ...defaultWebhookSettings(),
    id: 'test',
    url: new URL(url),
    events: ['*'],
    signatureKey: undefined,
    signatureScheme: 'stalwart',
    proxy: undefined,
    tls: undefined,
    headers: {},
    authorization: undefined,
    authKind: 'none',
    minSeverity: 0,
    level: undefined,
    spoolDir: undefined,
    spoolFsyncIntervalMillis: undefined,
    eventType: undefined,
    ca: undefined,
    selfObsMeterProvider: undefined,
    ...overrides,
  });
}
