/** The message of a thrown value. */
export function message(error: unknown): string {
  return (error as Error | undefined)?.message ?? String(error);
}

/**
 * The warnings of a spool's I/O failures: one per run of failures, the rest at debug level,
 * so that a full disk does not flood the log.
 */
export class IoWarnings {
  private readonly directory: string;
  private readonly log: { warn(message: string): void; debug(message: string): void };
  private failing = false;

  constructor(directory: string, log: { warn(message: string): void; debug(message: string): void }) {
    this.directory = directory;
    this.log = log;
  }

  /** `what` failed with `error`. */
  failed(what: string, error: unknown): void {
    const text = `spool ${this.directory}: ${what}: ${message(error)}`;
    if (this.failing) {
      this.log.debug(text);
    } else {
      this.failing = true;
      this.log.warn(text);
    }
  }

  /** A write succeeded: the next failure is warned about again. */
  succeeded(): void {
    this.failing = false;
  }
}
