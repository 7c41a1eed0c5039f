/**
 * When the next request of a webhook goes out. The first events after a quiet period go at
 * once (leading edge); the events waiting when a throttle window opens go back to back, and
 * the next window opens `throttle` after the last one at the soonest. After a failure no
 * request goes out before the retry policy's wait is over. A flush waiting skips the window,
 * not the retry wait.
 *
 * One timer, `unref()`ed: the engine's own waits never keep the process alive.
 */
export class SendScheduler {
  private readonly throttleMillis: number;
  private readonly run: () => void;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  /** performance.now() when the current throttle window opened. */
  private windowOpenedAt = Number.NEGATIVE_INFINITY;
  /** Events still to send back to back in the current window. */
  private windowRemaining = 0;
  /** performance.now() before which no request is made. */
  private retryAt = 0;

  /** `run` is called when the timer fires: it makes the next request. */
  constructor(throttleMillis: number, run: () => void) {
    this.throttleMillis = throttleMillis;
    this.run = run;
  }

  get armed(): boolean {
    return this.timer !== undefined;
  }

  /** Arms the timer for the next request, unless it is armed for sooner already; `hurry` skips the throttle window. */
  arm(hurry: boolean): void {
    const now = performance.now();
    let at = this.retryAt;
    if (this.windowRemaining <= 0 && !hurry) at = Math.max(at, this.windowOpenedAt + this.throttleMillis);
    at = Math.max(at, now);
    if (this.timer !== undefined) {
      if (this.timerAt <= at) return;
      clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, at - now);
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A request is about to be made with `waiting` events ready: opens a window unless one is open. */
  starting(waiting: number): void {
    if (this.windowRemaining > 0) return;
    this.windowOpenedAt = performance.now();
    this.windowRemaining = waiting;
  }

  /** Nothing was left to send: the window closes. */
  idle(): void {
    this.windowRemaining = 0;
  }

  /** A request delivered `events`: the rest of the window may follow at once. */
  delivered(events: number): void {
    this.windowRemaining -= events;
    this.retryAt = 0;
  }

  /** A request failed: the window closes; with `waitMillis`, no request is made before it has passed. */
  failed(waitMillis: number | undefined): void {
    this.windowRemaining = 0;
    if (waitMillis !== undefined) this.retryAt = performance.now() + waitMillis;
  }
}
