import type { DiagLogger } from '@opentelemetry/api';
import { type ExitParticipant, unwatchProcessExit, watchProcessExit } from './process-exit.ts';

/** What a webhook's part in the process's end needs of its engine. */
export interface ExitSubject {
  readonly log: DiagLogger;
  readonly deliverOnExit: boolean;
  readonly shutdownTimeoutMillis: number;
  /** Whether pending events are safe in a spool (they then neither hold the process nor count as dropped). */
  readonly spooled: boolean;
  /** Whether the engine still takes events (shutdown has not begun). */
  accepting(): boolean;
  pendingEvents(): number;
  /** Takes in what was accepted but not written yet, and with a spool writes it to disk now. */
  settle(): void;
  /** Sends what is pending now; true once settled, false when the deadline passed first. */
  flushWithin(timeoutMillis: number): Promise<boolean>;
  /** The process is ending: counts what is pending as dropped (`shutdown`) without reporting yet, and stops. */
  abandon(): void;
  /** Reports the drops not reported yet. */
  reportDrops(): void;
}

/**
 * How one webhook takes part in the process's end (see process-exit.ts): registered with
 * the first event it takes, it delivers what is pending when the event loop runs dry, and
 * reports what is left when the process exits.
 *
 * `state`: `idle` (not registered) → `watching` (registered by {@link watch}) → `done`
 * (unregistered by {@link end}, at shutdown; never registered again). `idle` → `done` too.
 */
export class ExitParticipation implements ExitParticipant {
  state: 'idle' | 'watching' | 'done' = 'idle';
  /** The delivery started because the event loop ran dry: `expired` once one reached its deadline, and none is started again. */
  private delivery: 'none' | 'running' | 'expired' = 'none';
  private readonly subject: ExitSubject;

  constructor(subject: ExitSubject) {
    this.subject = subject;
  }

  watch(): void {
    if (this.state !== 'idle') return;
    watchProcessExit(this);
    this.state = 'watching';
  }

  end(): void {
    if (this.state === 'watching') unwatchProcessExit(this);
    this.state = 'done';
  }

  /**
   * The event loop ran dry with `shutdown()` never called: delivers what is pending within
   * `shutdown-timeout`, once more each time the previous round finished in time; after a
   * round that reached its deadline, what is left is reported at exit instead. Spooled
   * events are safe on disk and do not hold the process.
   */
  beforeExit(): void {
    const subject = this.subject;
    if (!subject.deliverOnExit || subject.spooled || this.delivery !== 'none') return;
    if (!subject.accepting() || subject.pendingEvents() === 0) return;
    subject.log.debug(`event loop idle with ${subject.pendingEvents()} events pending: delivering them before exit`);
    this.delivery = 'running';
    void subject.flushWithin(subject.shutdownTimeoutMillis).then((settled) => {
      this.delivery = settled ? 'none' : 'expired';
    });
  }

  /** The process is ending now: what is still pending is reported, and counted as dropped unless spooled. */
  exiting(): void {
    const subject = this.subject;
    subject.settle();
    const pending = subject.pendingEvents();
    if (pending === 0) return;
    if (subject.spooled) {
      subject.log.warn(`process exiting with ${pending} events not delivered; they stay in the spool for the next start`);
      return;
    }
    subject.abandon();
    subject.log.warn(`process exiting with ${pending} events not delivered; counted as dropped (shutdown)`);
    subject.reportDrops();
  }
}
