import type { DiagLogger } from '@opentelemetry/api';
import type { RetryDecision } from './retry-policy.ts';

/**
 * The attempts of one engine: the request counts of `stats()`, the consecutive failures the
 * retry policy counts from, the message of the last failure (the cause given with later
 * drops), and the warnings of a failing endpoint, at its 1st, 2nd, 4th, 8th… consecutive
 * failure so that a long outage does not flood the log.
 */
export class AttemptLog {
  requests = 0;
  failedRequests = 0;
  /** Consecutive retryable failures (0 when healthy). */
  consecutive = 0;
  lastFailure: string | undefined;
  private readonly log: DiagLogger;

  constructor(log: DiagLogger) {
    this.log = log;
  }

  sent(): void {
    this.requests++;
  }

  succeeded(): void {
    if (this.consecutive > 0) this.log.info(`delivered again after ${this.consecutive} failed attempts`);
    this.consecutive = 0;
    this.lastFailure = undefined;
  }

  /** A failed attempt; returns its number among consecutive failures, for the retry policy. */
  failed(message: string): number {
    this.failedRequests++;
    this.lastFailure = message;
    return this.consecutive + 1;
  }

  /** What was decided after a retryable failure of a batch of `events`. */
  retryable(decision: Extract<RetryDecision, { kind: 'retry' | 'drop' }>, events: number, pending: number): void {
    const attempt = ++this.consecutive;
    if ((attempt & (attempt - 1)) !== 0) return;
    const what =
      decision.kind === 'retry' ? `retrying in ${Math.round(decision.waitMillis)} ms` : `${events} events dropped (${decision.reason})`;
    this.log.warn(`delivery failed (${this.lastFailure}), attempt ${attempt}: ${what}; ${pending} events pending`);
  }
}
