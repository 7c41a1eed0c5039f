import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/**
 * Most records held before they are written: the emit that brings the count here writes them
 * all, so a synchronous burst keeps at most this many records alive (they stay in the young
 * generation, which the garbage collector scavenges cheaply) and no one emit takes long.
 */
export const DEFER_LIMIT = 256;

/** Writes one selected record as an event of `type`, accepted at `now` (epoch ms). */
export type RecordWriter = (record: ReadableLogRecord, type: string, now: number) => void;
/** Accounts for a record whose writer threw (which it is not meant to do). */
export type WriteFailure = (type: string, error: unknown) => void;

/**
 * Records the webhook selected at `onEmit`, written into the engine's memory in one pass at
 * the end of the current turn of the event loop (a microtask), or as soon as
 * {@link DEFER_LIMIT} are waiting, or whenever the engine needs an exact view ({@link drain}:
 * flush, shutdown, stats, the process's end). `onEmit` then costs the selection and a push;
 * the writing runs in a tight loop over many records at once.
 *
 * A record is read by the end of the turn that emitted it, as the SDK's own
 * `BatchLogRecordProcessor` reads it later: the SDK makes a record read-only once `onEmit`
 * returns, and attribute values are the application's to keep unchanged (see the README).
 */
export class DeferredRecords {
  private readonly records: (ReadableLogRecord | undefined)[] = [];
  private readonly types: string[] = [];
  private count = 0;
  private draining = false;
  private readonly write: RecordWriter;
  private readonly failed: WriteFailure;
  private readonly endOfTurn = (): void => this.drain();

  constructor(write: RecordWriter, failed: WriteFailure) {
    this.write = write;
    this.failed = failed;
  }

  /**
   * Whether {@link drain} is writing: a record emitted meanwhile (from a getter of another, or
   * from a diag logger) is to be written at once instead, inside the write that caused it.
   */
  get busy(): boolean {
    return this.draining;
  }

  /** Records waiting to be written. */
  get size(): number {
    return this.count;
  }

  /** Holds a selected record until it is written. Never throws. */
  push(record: ReadableLogRecord, type: string): void {
    const at = this.count;
    this.records[at] = record;
    this.types[at] = type;
    this.count = at + 1;
    if (at + 1 >= DEFER_LIMIT) {
      this.drain();
    } else if (at === 0) {
      // Every time the list starts filling, not once per turn: within a burst this runs once per
      // DEFER_LIMIT records, so V8 has feedback for it after a process's first burst and does
      // not deoptimize `onEmit` at the start of the second. A microtask that finds the list
      // empty writes nothing.
      queueMicrotask(this.endOfTurn);
    }
  }

  /** Writes every waiting record now, in the order they were emitted. Never throws. */
  drain(): void {
    if (this.draining || this.count === 0) return;
    this.draining = true;
    const { records, types } = this;
    const now = Date.now();
    for (let i = 0; i < this.count; i++) {
      const record = records[i] as ReadableLogRecord;
      records[i] = undefined;
      try {
        this.write(record, types[i] as string, now);
      } catch (error) {
        this.failed(types[i] as string, error);
      }
    }
    this.count = 0;
    this.draining = false;
  }
}
