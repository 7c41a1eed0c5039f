import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { OfferOutcome } from './webhook-pipeline.ts';

type Offer = (record: ReadableLogRecord) => OfferOutcome;

/** Each processor's pipeline `offer`, registered by its constructor. */
const offers = new WeakMap<object, Offer>();

/** Registers what {@link offerRecord} calls for `processor`. */
export function registerOffer(processor: object, offer: Offer): void {
  offers.set(processor, offer);
}

/**
 * Hands one record to a processor's webhook now and returns what became of it, for the
 * gateway, which answers its sender per request. Not exported from the package: applications
 * use `onEmit` through the SDK. A processor that registered nothing skips every record.
 */
export function offerRecord(processor: object, record: ReadableLogRecord): OfferOutcome {
  return offers.get(processor)?.(record) ?? 'skipped';
}
