/**
 * The sequence numbers of the events that wait on disk, not in memory, in the order the spool
 * gives them back: first a range reserved for the backlog an earlier process left (counted as
 * accepted once the spool has found it, which may be after events were appended behind it),
 * then those of the events appended behind it. Kept as runs
 * of consecutive numbers (the events appended behind a backlog mostly follow one another), so
 * that a spool holding millions of them costs a few numbers, not one per event.
 */
export class DiskSeqs {
  /** Runs `[starts[i], ends[i])`, oldest first, from `first` on. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private first = 0;
  private count = 0;

  /**
   * Puts `count` numbers from `start` first, for the backlog found at start: they come out
   * before every number already here, though they may be higher.
   */
  addFirst(start: number, count: number): void {
    if (count <= 0) return;
    if (this.first > 0) {
      this.first--;
      this.starts[this.first] = start;
      this.ends[this.first] = start + count;
    } else {
      this.starts.unshift(start);
      this.ends.unshift(start + count);
    }
    this.count += count;
  }

  push(seq: number): void {
    const last = this.ends.length - 1;
    if (last >= this.first && this.ends[last] === seq) this.ends[last] = seq + 1;
    else {
      this.starts.push(seq);
      this.ends.push(seq + 1);
    }
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** The lowest number still on disk, if any. */
  oldest(): number | undefined {
    if (this.count === 0) return undefined;
    // Runs rise, except that a first one (see addFirst) may be above the next.
    const front = this.starts[this.first] as number;
    const next = this.starts[this.first + 1];
    return next !== undefined && next < front ? next : front;
  }

  /** Takes the next `count` numbers, oldest first. */
  take(count: number): number[] {
    const seqs: number[] = [];
    while (seqs.length < count && this.count > 0) {
      const start = this.starts[this.first] as number;
      const end = this.ends[this.first] as number;
      const upTo = Math.min(end, start + count - seqs.length);
      for (let seq = start; seq < upTo; seq++) seqs.push(seq);
      this.count -= upTo - start;
      if (upTo < end) {
        this.starts[this.first] = upTo;
      } else {
        this.first++;
      }
    }
    if (this.first > 1024 && this.first * 2 > this.starts.length) {
      this.starts.splice(0, this.first);
      this.ends.splice(0, this.first);
      this.first = 0;
    }
    return seqs;
  }
}
