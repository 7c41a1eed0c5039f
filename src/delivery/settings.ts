import type { DeliveryResult } from '../http/delivery-result.ts';
import type { RetrySettings } from './retry-policy.ts';

/** What the delivery engine needs to know of a webhook's options (with those of the retry policy). */
export interface DeliverySettings extends RetrySettings {
  readonly maxBatchEvents: number;
  readonly maxBatchBytes: number;
  readonly maxQueueEvents: number;
  readonly maxQueueBytes: number;
  readonly shutdownTimeoutMillis: number;
  readonly deliverOnExit: boolean;
}

/**
 * Where the engine sends its batches: the transport with the signing step in front of it.
 * The engine knows neither HTTP nor keys.
 */
export interface BatchSender {
  /**
   * POSTs one encoded batch; `batchId` is the same on every retry of the batch and new for
   * each half after a split. Never rejects.
   */
  send(body: Uint8Array, batchId: string): Promise<DeliveryResult>;
  /** Graceful: waits for the request in flight, then closes connections. */
  close(): Promise<void>;
  /** Aborts the request in flight and closes connections now. */
  destroy(): Promise<void>;
}
