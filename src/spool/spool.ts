import { mkdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { WebhookEvent } from '../records/event.ts';
import { WebhookSpoolError } from './errors.ts';
import { FileSpool } from './file-spool.ts';
import { acquireSpoolLock } from './lock.ts';
import { reconcile } from './recovery.ts';
import { claimDestination, destinationOf } from './spool-meta.ts';
import { SpoolScan } from './spool-scan.ts';

export type { WebhookSpoolErrorCode } from './errors.ts';
export { WebhookSpoolError } from './errors.ts';

/** When accepted events are written: once per turn of the event loop, or each before `append` returns. */
export type SpoolSync = 'batch' | 'event';

export interface SpoolOptions {
  /** Most bytes of unacknowledged records kept; append() refuses beyond it. */
  readonly maxBytes: number;
  /** Receives warnings (torn records skipped, stale lock taken over, events set aside) and notes (events no longer selected). */
  readonly log: { warn(message: string): void; info?(message: string): void; debug(message: string): void };
  /**
   * The endpoint the events are for. Recorded in `spool.meta` as a salted fingerprint of its
   * origin, path and query (credentials left out); events recovered for another endpoint are
   * set aside in an `orphaned-…` directory instead of being recovered. Unset: not checked.
   */
  readonly destination?: URL;
  /** Whether the current configuration still sends a recovered event; those it does not are dropped as they are read back and counted in `unselected`. */
  readonly selects?: (event: WebhookEvent) => boolean;
  /**
   * `batch`: the records of every event accepted in one turn of the event loop are written
   * with one `write(2)` when the turn ends (or at `commit()`, `close()` and process exit; in a
   * turn that accepts more than 1 MiB of records, a MiB at a time as they come).
   * `event`: each event is written before `append` returns.
   * @default 'batch'
   */
  readonly sync?: SpoolSync | undefined;
  /** When set, the active segment is also fsynced at most this often (ms) while writes happen. Unset: only at rotation and close. */
  readonly fsyncIntervalMillis?: number | undefined;
  /**
   * Most events (and bytes of event JSON) read back into {@link Spool.recovered} at open; the
   * rest come through {@link Spool.takeRecovered}.
   * @default 1000, 1048576
   */
  readonly recoveredEvents?: number;
  readonly recoveredBytes?: number;
  /**
   * Size at which the active segment file is closed and a new one started; whole segments
   * are the unit of space reclaimed.
   * @default 4194304
   */
  readonly segmentBytes?: number;
  /**
   * Whether {@link openSpool} returns before reading what an earlier process left: the segments
   * are then read in tasks of bounded steps, on timers ({@link Spool.scanning}), new events
   * go behind them meanwhile, and {@link Spool.whenScanned} tells when the backlog is known.
   * Unset: they are read before `openSpool` returns (also when the destination check needs
   * them, see `destination`).
   * @default false
   */
  readonly scanInBackground?: boolean;
}

export interface SpoolStats {
  /** Record bytes of the pending events, on disk only or held in memory. */
  readonly bytes: number;
  /** The most {@link bytes} may reach (`maxBytes` of the options): appends beyond it are refused. */
  readonly maxBytes: number;
  /** Pending events: held in memory, plus `unread`. */
  readonly events: number;
  /** Pending events on disk only, still to come through `takeRecovered`. */
  readonly unread: number;
  readonly tornRecords: number;
}

/**
 * Events held as bytes (as the delivery engine holds them), by number: the JSON of event `n`
 * starts at `offsetOf(n)` of `bytesOf(n)`, with `{"id":"<id>"`; `ticketOf(n)` is the
 * {@link Spool.ticket} the spool gave it at append, or -1.
 */
export interface EventBytes {
  bytesOf(n: number): Buffer;
  offsetOf(n: number): number;
  ticketOf(n: number): number;
}

export interface Spool {
  /**
   * The first of the events left unacknowledged by an earlier process, oldest first, exactly as
   * appended; the rest come through {@link takeRecovered}. None when the scan ran in the
   * background (`scanInBackground`): they all come through `takeRecovered`. Reading it, like
   * {@link unread} and {@link takeRecovered}, first ends a scan still running ({@link finishScan}).
   */
  readonly recovered: readonly WebhookEvent[];
  /**
   * Whether what an earlier process left is still being read (`scanInBackground`). Meanwhile an
   * appended event goes behind whatever is found, nothing is read back, no segment is deleted,
   * and `stats().bytes` counts every file not read through yet at its size.
   */
  readonly scanning: boolean;
  /** Reads what is left of a scan running in the background now. Never throws (a failure is logged and the files are kept). */
  finishScan(): void;
  /** Calls `listener` once the scan has ended (at once when it has): {@link unread} then counts what was found. */
  whenScanned(listener: () => void): void;
  /**
   * Resolves once the files of the segments that are done are deleted: they go in libuv's
   * thread pool, oldest first, one at a time (and at once at {@link close}).
   */
  whenDeleted(): Promise<void>;
  /** Events left by an earlier process that `selects` refused, so far: dropped (never returned), and counted here as they are read. */
  readonly unselected: number;
  /**
   * Pending events on disk that are not held in memory: left by an earlier process and not
   * taken yet, or appended since behind them. While it is not 0, an appended event is not
   * held in memory either: it comes back through {@link takeRecovered}, after the older ones.
   */
  readonly unread: number;
  /**
   * Records the event (see `sync` for when it reaches the file) and returns true; false when
   * maxBytes would be exceeded. Never throws (an I/O error → log + false).
   */
  append(event: WebhookEvent): boolean;
  /**
   * {@link append} of an event written by this package's writer (src/records/event.ts), its
   * JSON `json[start, end)`: valid UTF-8 without a raw newline, starting `{"id":"<digits>"`
   * (one whose id is not plain digits is appended like any other). It is encoded straight from
   * those bytes, unchecked, into the same record as `append` writes.
   */
  appendWritten(json: Buffer, start: number, end: number, type: string, acceptedAt: number, severity: number): boolean;
  /** Marks the events of these ids as done (delivered or dropped); their space is reclaimed when whole segments are done. Never throws. */
  ack(ids: readonly string[]): void;
  /**
   * The ticket of the event the last {@link append} or {@link appendWritten} took: a number
   * that names it for {@link ackWritten} without its id. -1 when that event is not held in
   * memory (it went behind an unread backlog) or was refused.
   */
  readonly ticket: number;
  /**
   * {@link ack} of the events `slots` of `events`: found by their ticket, or else by the id read
   * from their JSON (no string made of a plain id). Never throws.
   */
  ackWritten(events: EventBytes, slots: Int32Array): void;
  /**
   * The next unread events, oldest first: at most `maxEvents`, and at most `maxBytes` of
   * event JSON (but at least one event when any is left). They are pending until acked, like
   * appended ones. Never throws.
   */
  takeRecovered(maxEvents: number, maxBytes: number): WebhookEvent[];
  /**
   * From now on, appended events are not held in memory (their {@link ticket} is -1): they are
   * written behind what is pending and come back through {@link takeRecovered}, in order, as an
   * unread backlog does, until every one of them is taken. For an engine whose memory is full.
   */
  spill(): void;
  /**
   * Whether an event appended now goes behind events still to be read back (after {@link spill},
   * or while an earlier process's backlog is unread): it is then not held in memory.
   */
  readonly backlogged: boolean;
  /** Writes, now, the records not written yet. Call it before sending events, so that no request carries an event the spool could lose. Never throws. */
  commit(): void;
  stats(): SpoolStats;
  /** Writes and fsyncs what is pending and releases the lock; the files stay for the next process. */
  close(): void;
}

function message(error: unknown): string {
  return (error as Error | undefined)?.message ?? String(error);
}

/** Opens (creating if needed) the spool for one webhook in `directory`; throws WebhookSpoolError when another live process holds it. */
export function openSpool(directory: string, options: SpoolOptions): Spool {
  let absolute = resolve(directory);
  try {
    mkdirSync(absolute, { recursive: true });
    // One name per directory, so that a second path to it (a symlink) finds it held.
    absolute = realpathSync(absolute);
  } catch (error) {
    throw new WebhookSpoolError('ERR_WEBHOOK_SPOOL_IO', absolute, `cannot create spool directory ${absolute}: ${message(error)}`, {
      cause: error,
    });
  }
  const lock = acquireSpoolLock(absolute, (text) => options.log.warn(text));
  try {
    const scan = new SpoolScan(absolute, (text) => options.log.warn(text));
    // Events meant for another destination are set aside before anything is written: that needs the scan's count first.
    const background =
      options.scanInBackground === true &&
      scan.files.length > 0 &&
      (options.destination === undefined || claimDestination(absolute, destinationOf(options.destination)));
    return new FileSpool(absolute, options, lock, background ? scan : reconcile(absolute, scan.finish(), options));
  } catch (error) {
    lock.release();
    throw new WebhookSpoolError('ERR_WEBHOOK_SPOOL_IO', absolute, `cannot open spool ${absolute}: ${message(error)}`, {
      cause: error,
    });
  }
}
