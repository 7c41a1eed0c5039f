import type { DiagLogger } from '@opentelemetry/api';

/** Why events were dropped. */
export type DropReason = 'discarded' | 'overflow' | 'lossy' | 'gone' | 'too-large' | 'invalid' | 'shutdown';

export type DropCounts = Record<DropReason, number>;

export function emptyDropCounts(): DropCounts {
  return { discarded: 0, overflow: 0, lossy: 0, gone: 0, 'too-large': 0, invalid: 0, shutdown: 0 };
}

/** What each drop reason means, as reports and export errors say it. */
export const DROP_EXPLANATIONS: Readonly<Record<DropReason, string>> = {
  discarded: 'older than discard-after, or recovered from the spool and no longer selected',
  overflow: 'queue full',
  lossy: 'failed batch dropped (lossy)',
  gone: 'endpoint answered 410 Gone',
  'too-large': 'event larger than the endpoint accepts',
  invalid: 'record could not be converted',
  shutdown: 'still pending at shutdown',
};

/**
 * Counts every dropped event by reason and reports drops through `diag`: the first drop at
 * once, then at most one summary per interval, so an outage never floods the log.
 */
export class DropReporter {
  readonly counts: DropCounts = emptyDropCounts();
  private readonly unreported: DropCounts = emptyDropCounts();
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly log: DiagLogger;
  private readonly intervalMillis: number;

  constructor(log: DiagLogger, intervalMillis = 10_000) {
    this.log = log;
    this.intervalMillis = intervalMillis;
  }

  /** Counts `count` drops; with `quiet`, leaves the report to the next {@link report} call. */
  drop(reason: DropReason, count: number, quiet = false): void {
    if (count <= 0) return;
    this.counts[reason] += count;
    this.unreported[reason] += count;
    if (quiet) return;
    const now = performance.now();
    if (now - this.lastReportAt >= this.intervalMillis) {
      this.report();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.report(), this.lastReportAt + this.intervalMillis - now);
      this.timer.unref();
    }
  }

  /** Reports what has not been reported yet (also called at shutdown). */
  report(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const parts: string[] = [];
    for (const reason of Object.keys(this.unreported) as DropReason[]) {
      const n = this.unreported[reason];
      if (n > 0) parts.push(`${n} ${reason} (${DROP_EXPLANATIONS[reason]})`);
      this.unreported[reason] = 0;
    }
    if (parts.length === 0) return;
    this.lastReportAt = performance.now();
    const total = Object.values(this.counts).reduce((a, b) => a + b, 0);
    this.log.warn(`dropped ${parts.join(', ')}; ${total} dropped in total`);
  }
}
