/**
 * The sequence numbers of the events that wait on disk, not in memory, in the order the spool
 * gives them back: first a range reserved for the backlog an earlier process left (counted as
 * accepted when the engine starts), then one number per event appended behind that backlog.
 */
export class DiskSeqs {
  private rangeNext = 0;
  private rangeEnd = 0;
  private readonly later: number[] = [];
  private head = 0;

  /** Reserves `count` numbers from `start` for the backlog found at start. */
  addRange(start: number, count: number): void {
    this.rangeNext = start;
    this.rangeEnd = start + count;
  }

  push(seq: number): void {
    this.later.push(seq);
  }

  get size(): number {
    return this.rangeEnd - this.rangeNext + this.later.length - this.head;
  }

  /** The lowest number still on disk, if any. */
  oldest(): number | undefined {
    if (this.rangeNext < this.rangeEnd) return this.rangeNext;
    return this.head < this.later.length ? this.later[this.head] : undefined;
  }

  /** Takes the next `count` numbers, oldest first. */
  take(count: number): number[] {
    const seqs: number[] = [];
    while (seqs.length < count && this.rangeNext < this.rangeEnd) seqs.push(this.rangeNext++);
    while (seqs.length < count && this.head < this.later.length) seqs.push(this.later[this.head++] as number);
    if (this.head > 1024 && this.head * 2 > this.later.length) {
      this.later.splice(0, this.head);
      this.head = 0;
    }
    return seqs;
  }
}
