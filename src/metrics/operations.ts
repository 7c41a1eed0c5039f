/**
 * One export operation: records with sequence numbers from `start` to `end` (exclusive),
 * from the start of its first attempt until every one of them has settled.
 */
export interface Operation {
  readonly start: number;
  /** Unknown while the records are still being handed over (an exporter's `export()`). */
  end: number | undefined;
  /** How many of its records have to settle; unknown until `end` is. */
  expected: number | undefined;
  settled: number;
  /** `performance.now()` at the start. */
  readonly startedAt: number;
  /** The HTTP status code of the last request that carried any of its records. */
  statusCode: number | undefined;
  /** The `error.type` of the last of its records that failed. */
  errorType: string | undefined;
  done: boolean;
}

/** Told when an operation has concluded, with its duration in seconds. */
export type OperationEnd = (operation: Operation, seconds: number) => void;

/**
 * The export operations not concluded yet, ordered by their first sequence number (they
 * never overlap). An operation concludes once as many of its records as it holds have
 * settled: the numbers inside its range that are not its own settled before it began.
 */
export class Operations {
  /** Ordered by `start`; concluded ones are removed from the front. */
  private list: Operation[] = [];
  private head = 0;
  /** The operation found last: consecutive records mostly belong to the same one. */
  private last: Operation | undefined;
  private readonly onEnd: OperationEnd;

  constructor(onEnd: OperationEnd) {
    this.onEnd = onEnd;
  }

  /** Starts an operation at `start`; {@link seal} it once its range is known. */
  open(start: number): Operation {
    const operation: Operation = {
      start,
      end: undefined,
      expected: undefined,
      settled: 0,
      startedAt: performance.now(),
      statusCode: undefined,
      errorType: undefined,
      done: false,
    };
    this.list.push(operation);
    return operation;
  }

  /** Its records are those numbered below `end`, `expected` of them. */
  seal(operation: Operation, end: number, expected: number): void {
    operation.end = end;
    operation.expected = expected;
    this.concludeIfSettled(operation);
  }

  /** One of the records settled, with the error type of its failure (none when delivered). */
  settle(seq: number, errorType: string | undefined): void {
    const operation = this.find(seq);
    if (operation === undefined) return;
    operation.settled++;
    if (errorType !== undefined) operation.errorType = errorType;
    this.concludeIfSettled(operation);
  }

  /** A request carried the records `seqs` (ascending) and was answered with `statusCode` (none without an answer). */
  answered(seqs: readonly number[], statusCode: number | undefined): void {
    let previous: Operation | undefined;
    for (const seq of seqs) {
      if (previous?.end !== undefined && seq < previous.end) continue;
      const operation = this.find(seq);
      if (operation === undefined) continue;
      operation.statusCode = statusCode;
      previous = operation;
    }
  }

  /** Concludes every operation still open with `errorType` (its records stay where they are, e.g. in the spool). */
  concludeAll(errorType: string): void {
    for (let i = this.head; i < this.list.length; i++) {
      const operation = this.list[i] as Operation;
      if (operation.done) continue;
      operation.errorType = errorType;
      this.conclude(operation);
    }
    this.list = [];
    this.head = 0;
    this.last = undefined;
  }

  /** The open operation holding `seq`. */
  private find(seq: number): Operation | undefined {
    const last = this.last;
    if (last !== undefined && !last.done && seq >= last.start && (last.end === undefined || seq < last.end)) return last;
    let low = this.head;
    let high = this.list.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const operation = this.list[middle] as Operation;
      if (seq < operation.start) high = middle - 1;
      else if (operation.end !== undefined && seq >= operation.end) low = middle + 1;
      else {
        if (operation.done) return undefined;
        this.last = operation;
        return operation;
      }
    }
    return undefined;
  }

  private concludeIfSettled(operation: Operation): void {
    if (operation.done || operation.expected === undefined || operation.settled < operation.expected) return;
    this.conclude(operation);
    while (this.head < this.list.length && (this.list[this.head] as Operation).done) this.head++;
    if (this.head === this.list.length) {
      this.list = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
  }

  private conclude(operation: Operation): void {
    operation.done = true;
    if (this.last === operation) this.last = undefined;
    this.onEnd(operation, (performance.now() - operation.startedAt) / 1000);
  }
}
