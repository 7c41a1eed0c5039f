import type { DeliverySettings } from '../delivery/settings.ts';
import type { ResolvedWebhookOptions } from './options.ts';

/**
 * Only what the engine needs of `options`, frozen. No secret is among them: the signature
 * key stays with the signing step (src/pipeline/signed-sender.ts).
 */
export function deliverySettings(options: ResolvedWebhookOptions): DeliverySettings {
  return Object.freeze({
    throttleMillis: options.throttleMillis,
    discardAfterMillis: options.discardAfterMillis,
    lossy: options.lossy,
    maxBatchEvents: options.maxBatchEvents,
    maxBatchBytes: options.maxBatchBytes,
    maxQueueEvents: options.maxQueueEvents,
    maxQueueBytes: options.maxQueueBytes,
    retryMaxMillis: options.retryMaxMillis,
    shutdownTimeoutMillis: options.shutdownTimeoutMillis,
    deliverOnExit: options.deliverOnExit,
  });
}
