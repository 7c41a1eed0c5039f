import type { ResolvedWebhookOptions, WebhookOptions } from './options.ts';
import { resolveWebhookOptions } from './resolve-options.ts';

/**
 * The exporter's `throttle` unless set: none, since the SDK's `BatchLogRecordProcessor`
 * batches already (`scheduledDelayMillis`); each export goes out at once.
 */
export const EXPORTER_THROTTLE_MILLIS = 0;
/** The exporter's `retry-max` unless set: an export is waited on by the SDK (`exportTimeoutMillis`, 30 s by default). */
export const EXPORTER_RETRY_MAX_MILLIS = 5_000;

/**
 * Validates the options of a `WebhookLogRecordExporter` (throwing a `WebhookConfigError`
 * on bad input) and applies its own defaults: `throttle` {@link EXPORTER_THROTTLE_MILLIS},
 * `retry-max` {@link EXPORTER_RETRY_MAX_MILLIS}. Every other option means what it means for
 * the processor.
 */
export function resolveExporterOptions(options: WebhookOptions): ResolvedWebhookOptions {
  const resolved = resolveWebhookOptions(options);
  const throttleGiven = options.throttle !== undefined || options.throttleMillis !== undefined;
  const retryMaxGiven = options.retryMax !== undefined || options.retryMaxMillis !== undefined;
  if (throttleGiven && retryMaxGiven) return resolved;
  return Object.freeze({
    ...resolved,
    throttleMillis: throttleGiven ? resolved.throttleMillis : EXPORTER_THROTTLE_MILLIS,
    retryMaxMillis: retryMaxGiven ? resolved.retryMaxMillis : EXPORTER_RETRY_MAX_MILLIS,
  });
}
