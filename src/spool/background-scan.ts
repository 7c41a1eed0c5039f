import type { SpoolContents } from './segments.ts';
import type { SpoolScan } from './spool-scan.ts';

/** Lines a step reads: about 1 ms of work for lines of a few hundred bytes, once compiled. */
const LINES_PER_STEP = 2048;
/** Lines the first step reads; each next one reads twice as many, up to the limit, while the code is still being compiled. */
const FIRST_STEP_LINES = 64;

/** How a scan ended: what is pending, or why the files could not be read. */
export type ScanOutcome = { readonly ok: true; readonly found: SpoolContents } | { readonly ok: false; readonly error: unknown };

/**
 * Runs a {@link SpoolScan} a step per turn of the event loop (`setImmediate`, never holding the
 * process open), or at once when {@link finish} is called; `done` hears how it ended, once.
 */
export class BackgroundScan {
  private readonly scan: SpoolScan;
  private readonly done: (outcome: ScanOutcome) => void;
  private readonly linesPerStep: number;
  private handle: NodeJS.Immediate | undefined;
  private stepLines = FIRST_STEP_LINES;
  private readonly listeners: (() => void)[] = [];

  constructor(scan: SpoolScan, done: (outcome: ScanOutcome) => void, linesPerStep: number = LINES_PER_STEP) {
    this.scan = scan;
    this.done = done;
    this.linesPerStep = linesPerStep;
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
    while (!this.run(Number.POSITIVE_INFINITY));
  }

  /** Stops; `done` is not called. */
  cancel(): void {
    if (this.handle !== undefined) clearImmediate(this.handle);
    this.handle = undefined;
  }

  private schedule(): void {
    this.handle = setImmediate(() => {
      this.handle = undefined;
      const lines = Math.min(this.stepLines, this.linesPerStep);
      this.stepLines *= 2;
      if (!this.run(lines)) this.schedule();
    });
    this.handle.unref();
  }

  /** One step of `maxLines`; true when the scan has ended (and `done` and the listeners were told). */
  private run(maxLines: number): boolean {
    let outcome: ScanOutcome;
    try {
      const found = this.scan.step(maxLines);
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
