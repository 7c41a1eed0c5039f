/**
 * The outcome of one delivery attempt, as the transport reports it: what the receiver
 * answered (or why nothing was answered), classified. The retry policy
 * (src/delivery/retry-policy.ts) decides what follows.
 */
export type DeliveryResult =
  | { status: 'success'; statusCode: number }
  | {
      status: 'retryable';
      statusCode: number | undefined;
      /** The receiver's `Retry-After`, parsed but not clamped (see retry-after.ts). */
      retryAfterMillis: number | undefined;
      /** other 4xx: retried, but only at the capped interval */
      capped: boolean;
      message: string;
    }
  | { status: 'failure'; reason: 'gone' | 'too-large'; statusCode: number; message: string };

/** An attempt that got no answer (network error, timeout, closed transport): retried. */
export function noAnswer(message: string): DeliveryResult {
  return { status: 'retryable', statusCode: undefined, retryAfterMillis: undefined, capped: false, message };
}
