import type { DiagLogger } from '@opentelemetry/api';
import type { DeliveryResult } from '../http/delivery-result.ts';
import type { Spool } from '../spool/spool.ts';
import type { AttemptListener, SettleListener } from './outcomes.ts';
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

/**
 * The engine's lifecycle. `running`: takes events and sends them. `draining`: close() was
 * called; new events are dropped (`shutdown`), what is pending is still sent until it is
 * delivered or the close deadline passes. `gone`: the endpoint answered 410; nothing more is
 * sent, pending and new events are dropped (`gone`). `closed`: nothing more is sent, new
 * events are dropped (`shutdown`).
 *
 * running → draining (close()) → closed (drained, or the deadline passed);
 * running, draining → gone (a 410); running, draining → closed (the process is exiting).
 * `gone` is final: close() then only releases the connection and the spool.
 */
export type EngineState = 'running' | 'draining' | 'gone' | 'closed';

/** What an engine is made of. */
export interface EngineParts {
  readonly settings: DeliverySettings;
  readonly sender: BatchSender;
  readonly log: DiagLogger;
  /** With a spool, its recovered events are sent first and every event is written to it before it counts as accepted. */
  readonly spool?: Spool | undefined;
  /** Told of every outcome, after the counters of `stats()`. */
  readonly listeners?: readonly SettleListener[];
  /** Told of every request and its result. */
  readonly attemptListener?: AttemptListener | undefined;
  /**
   * Writes the events accepted but not written yet (see pipeline/deferred-records.ts): called
   * before anything that needs every accepted event in the engine (flush, close, stats, the
   * spool's commit, the process's end).
   */
  readonly catchUp?: (() => void) | undefined;
}
