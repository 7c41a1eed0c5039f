import type { Style } from './output.ts';

/** What a progress line shows. */
export interface ProgressCounts {
  /** Events accepted and not yet delivered or dropped. */
  readonly queued: number;
  readonly delivered: number;
  /** Failed requests (their events are retried unless the webhook is lossy). */
  readonly failed: number;
  readonly dropped: number;
}

const BAR_WIDTH = 24;

/** One line: a bar of the settled share (delivered or dropped), then the counters. */
export function renderProgress(counts: ProgressCounts, style: Style): string {
  const settled = counts.delivered + counts.dropped;
  const total = settled + counts.queued;
  const share = total === 0 ? 0 : settled / total;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = style.green('█'.repeat(filled)) + style.dim('░'.repeat(BAR_WIDTH - filled));
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  const failed = counts.failed > 0 ? style.yellow(`failed ${counts.failed}`) : `failed ${counts.failed}`;
  const dropped = counts.dropped > 0 ? style.red(`dropped ${counts.dropped}`) : `dropped ${counts.dropped}`;
  return `${bar} ${percent}  queued ${counts.queued}  delivered ${counts.delivered}  ${failed}  ${dropped}`;
}

/**
 * A status line redrawn in place on a terminal; elsewhere it draws nothing. Other output
 * goes through {@link ProgressLine.log} so the line never garbles it.
 */
export class ProgressLine {
  private readonly stream: NodeJS.WritableStream;
  private readonly live: boolean;
  private current = '';

  constructor(stream: NodeJS.WritableStream & { readonly isTTY?: boolean }) {
    this.stream = stream;
    this.live = stream.isTTY === true;
  }

  /** Replaces the status line (on a terminal). */
  update(text: string): void {
    if (!this.live || text === this.current) return;
    this.current = text;
    this.stream.write(`\r\u001b[2K${text}`);
  }

  /** Writes a whole line above the status line. */
  log(line: string): void {
    if (this.live && this.current !== '') this.stream.write('\r\u001b[2K');
    this.stream.write(`${line}\n`);
    if (this.live && this.current !== '') this.stream.write(this.current);
  }

  /** Removes the status line. */
  clear(): void {
    if (this.live && this.current !== '') this.stream.write('\r\u001b[2K');
    this.current = '';
  }
}
