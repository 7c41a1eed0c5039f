import type { SpoolContents } from './segments.ts';
import { READ_CHUNK, type SpoolScan } from './spool-scan.ts';

/**
 * Lines a step reads, and bytes of a file: about half a millisecond of work each, once compiled,
 * on the benchmark's machine (up to 4–5 ms was seen on a slower, busier one). A task overruns
 * its {@link TASK_MILLIS} by at most one step, so steps are kept small (with 2,048 lines and a
 * MiB, tasks of 6 ms were seen on that machine).
 */
const LINES_PER_STEP = 1024;
const BYTES_PER_STEP = 256 * 1024;
/** Lines (and bytes of a file) the first step reads; each next one reads twice as many, up to the limits, while the code is still being compiled. */
const FIRST_STEP_LINES = 64;
const FIRST_STEP_BYTES = 16 * 1024;
/** A task runs steps while it has run less than this (ms), then lets the event loop go on. */
const TASK_MILLIS = 2;

/** How a scan ended: what is pending, or why the files could not be read. */
export type ScanOutcome = { readonly ok: true; readonly found: SpoolContents } | { readonly ok: false; readonly error: unknown };

/**
 * Runs a {@link SpoolScan} in tasks of a few steps (about {@link TASK_MILLIS} ms), one per turn
 * of the event loop, or at once when {@link finish} is called; `done` hears how it ended, once.
 * The tasks are timers that never hold the process open: unlike an unreferenced immediate, such
 * a timer still wakes a loop that waits for nothing else soon.
 */
export class BackgroundScan {
  private readonly scan: SpoolScan;
  private readonly done: (outcome: ScanOutcome) => void;
  private handle: NodeJS.Timeout | undefined;
  private stepLines = FIRST_STEP_LINES;
  private stepBytes = FIRST_STEP_BYTES;
  private readonly listeners: (() => void)[] = [];

  constructor(scan: SpoolScan, done: (outcome: ScanOutcome) => void) {
    this.scan = scan;
    this.done = done;
    this.schedule();
  }

  /** The most record bytes the pending events found can hold (see SpoolScan.bytesAtMost). */
  get bytesAtMost(): number {
    return this.scan.bytesAtMost;
  }

  /** Calls `listener` after `done`, once the scan has ended. */
  whenDone(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Reads everything left now. */
  finish(): void {
    this.cancel();
    while (!this.run(Number.POSITIVE_INFINITY, READ_CHUNK));
  }

  /** Stops; `done` is not called. */
  cancel(): void {
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.handle = undefined;
  }

  private schedule(): void {
    this.handle = setTimeout(() => {
      this.handle = undefined;
      const until = performance.now() + TASK_MILLIS;
      do {
        const lines = this.stepLines;
        const bytes = this.stepBytes;
        this.stepLines = Math.min(2 * lines, LINES_PER_STEP);
        this.stepBytes = Math.min(2 * bytes, BYTES_PER_STEP);
        if (this.run(lines, bytes)) return;
      } while (performance.now() < until);
      this.schedule();
    }, 0);
    this.handle.unref();
  }

  /** One step of `maxLines` or `maxBytes`; true when the scan has ended (and `done` and the listeners were told). */
  private run(maxLines: number, maxBytes: number): boolean {
    let outcome: ScanOutcome;
    try {
      const found = this.scan.step(maxLines, maxBytes);
      if (found === undefined) return false;
      outcome = { ok: true, found };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.done(outcome);
    for (const listener of this.listeners.splice(0)) listener();
    return true;
  }
}
