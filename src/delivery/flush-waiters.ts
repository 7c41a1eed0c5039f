interface Waiter {
  /** Settled once every accepted item numbered below this has settled. */
  readonly target: number;
  readonly resolve: (settled: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The callers of flush() waiting for their events. Each accepted item (event or refused
 * record) has a sequence number; a flush waits until every item numbered below the next
 * number at the time of its call has settled, that is until the oldest item still pending
 * is numbered at least that. A count would not do: an item accepted and dropped after the
 * call would stand in for an older one still pending.
 */
export class FlushWaiters {
  private readonly waiters = new Set<Waiter>();

  get size(): number {
    return this.waiters.size;
  }

  /**
   * Resolves with true once {@link release} is told that the oldest pending item is numbered
   * `target` or more (or {@link releaseAll} is called), with false when `timeoutMillis` passes first.
   */
  wait(target: number, timeoutMillis: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        target,
        resolve,
        // Not unref()ed: while someone waits for this flush, its deadline holds the event
        // loop, so the process cannot end in the middle (the engine's own timers do not).
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, timeoutMillis),
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves the waiters whose items have all settled: `oldestPending` is the lowest number still pending. */
  release(oldestPending: number): void {
    for (const waiter of this.waiters) if (waiter.target <= oldestPending) this.settle(waiter);
  }

  /** Resolves every waiter: nothing more will be sent. */
  releaseAll(): void {
    for (const waiter of this.waiters) this.settle(waiter);
  }

  private settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    waiter.resolve(true);
  }
}
