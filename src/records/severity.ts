import type { WebhookLevel } from '../config/options.ts';

/** OTel severity number at the bottom of each level name (TRACE=1, DEBUG=5, INFO=9, WARN=13, ERROR=17). */
export const LEVEL_SEVERITY: Readonly<Record<WebhookLevel, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
};

/** Severity number from which an event counts as an error: kept longest when a full queue is shed. */
export const ERROR_SEVERITY: number = LEVEL_SEVERITY.error;

/** Severity number of a level name, or 0 for anything else (such as `disable`). */
export function levelSeverity(level: string): number {
  return (LEVEL_SEVERITY as Record<string, number>)[level] ?? 0;
}
