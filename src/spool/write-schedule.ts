import { type ExitParticipant, unwatchProcessExit, watchProcessExit } from '../delivery/process-exit.ts';

/** What the schedule drives: writing what is pending, fsync of the active segment, and fsync now of closed segments still being synced in the background. */
export interface Writes {
  commit(): void;
  sync(): void;
  settle(): void;
}

/**
 * When a spool writes and syncs: the write of what one turn of the event loop accepted once
 * that turn is over (an immediate, which also keeps a normally ending process alive until it
 * ran), an fsync at most every `fsyncIntervalMillis` while writes happen (if set), and both
 * (with the fsync of closed segments the thread pool has not finished) when the process ends: at `exit` (also after `process.exit()`) and on a stop signal the
 * application does not handle (see src/delivery/process-exit.ts).
 */
export class WriteSchedule {
  private readonly writes: Writes;
  private readonly fsyncIntervalMillis: number | undefined;
  private scheduled = false;
  private fsyncTimer: NodeJS.Timeout | undefined;
  private lastFsync = performance.now();
  private stopped = false;
  private readonly exitHooks: ExitParticipant = { beforeExit: () => {}, exiting: () => this.atExit() };
  private readonly endOfTurn = (): void => {
    this.scheduled = false;
    if (!this.stopped) this.writes.commit();
  };

  constructor(writes: Writes, fsyncIntervalMillis: number | undefined) {
    this.writes = writes;
    this.fsyncIntervalMillis = fsyncIntervalMillis;
    watchProcessExit(this.exitHooks);
  }

  /** Something was added to what is pending: it is written when this turn ends. */
  turn(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.endOfTurn);
  }

  /** Something was written: with an interval, an fsync follows within it. */
  written(): void {
    const interval = this.fsyncIntervalMillis;
    if (interval === undefined || this.fsyncTimer !== undefined || this.stopped) return;
    const delay = Math.max(0, this.lastFsync + interval - performance.now());
    this.fsyncTimer = setTimeout(() => {
      this.fsyncTimer = undefined;
      this.lastFsync = performance.now();
      this.writes.sync();
    }, delay);
    this.fsyncTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.fsyncTimer !== undefined) clearTimeout(this.fsyncTimer);
    unwatchProcessExit(this.exitHooks);
  }

  private atExit(): void {
    if (this.stopped) return;
    this.writes.commit();
    if (this.fsyncIntervalMillis !== undefined) this.writes.sync();
    this.writes.settle();
  }
}
