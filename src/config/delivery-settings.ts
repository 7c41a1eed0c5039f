import type { DeliverySettings } from '../delivery/delivery.ts';
import { createSigner, type Signer } from '../http/signer.ts';
import type { ResolvedWebhookOptions } from './options.ts';

/**
 * The delivery engine's settings. The signature keys are held only inside the `signer`
 * closure: `util.inspect` (even with `showHidden`) and `JSON.stringify` of the settings, or
 * of an engine holding them, never see them.
 */
class SecretKeepingSettings implements DeliverySettings {
  readonly throttleMillis: number;
  readonly discardAfterMillis: number;
  readonly lossy: boolean;
  readonly maxBatchEvents: number;
  readonly maxBatchBytes: number;
  readonly maxQueueEvents: number;
  readonly maxQueueBytes: number;
  readonly retryMaxMillis: number;
  readonly shutdownTimeoutMillis: number;
  readonly deliverOnExit: boolean;
  readonly signer: Signer;

  constructor(options: ResolvedWebhookOptions) {
    this.throttleMillis = options.throttleMillis;
    this.discardAfterMillis = options.discardAfterMillis;
    this.lossy = options.lossy;
    this.maxBatchEvents = options.maxBatchEvents;
    this.maxBatchBytes = options.maxBatchBytes;
    this.maxQueueEvents = options.maxQueueEvents;
    this.maxQueueBytes = options.maxQueueBytes;
    this.retryMaxMillis = options.retryMaxMillis;
    this.shutdownTimeoutMillis = options.shutdownTimeoutMillis;
    this.deliverOnExit = options.deliverOnExit;
    this.signer = createSigner(options);
    Object.freeze(this);
  }
}

/** Only what the engine needs of `options`, secrets out of reach of inspection. */
export function deliverySettings(options: ResolvedWebhookOptions): DeliverySettings {
  return new SecretKeepingSettings(options);
}
