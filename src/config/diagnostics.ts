import { type DiagLogger, diag } from '@opentelemetry/api';
import { unmatchedPatterns } from '../records/match.ts';
import type { ResolvedWebhookOptions } from './options.ts';
import { describeSource, sourceOf, type ValueSource } from './sources.ts';

type Level = keyof DiagLogger;
const LEVELS: readonly Level[] = ['error', 'warn', 'info', 'debug', 'verbose'];

/** Whether a message of any webhook is being handed to `diag` right now. */
let logging = false;

/** Whether a webhook is handing a message to `diag` right now (a record emitted meanwhile comes from the application's diag logger). */
export function insideDiagnostics(): boolean {
  return logging;
}

/**
 * A logger for one webhook's chatter: `diag`, with the webhook named. A message logged while
 * one from any webhook is still being handed to `diag` is dropped: an application's `diag`
 * logger that emits log records into a pipeline holding a webhook can make the webhook log
 * again from inside that call (a dropped record, a drop report), which would otherwise recurse
 * without bound.
 */
export function webhookLogger(id: string): DiagLogger {
  const inner = diag.createComponentLogger({ namespace: `otel-webhook-exporter webhook."${id}"` });
  const guarded = (level: Level): DiagLogger[Level] => {
    return (message, ...args) => {
      if (logging) return;
      logging = true;
      try {
        inner[level](message, ...args);
      } finally {
        logging = false;
      }
    };
  };
  return Object.fromEntries(LEVELS.map((level) => [level, guarded(level)])) as unknown as DiagLogger;
}

/** Unmatched patterns reported one by one (with suggestions); the rest are counted in one line. */
export const MAX_WARNED_PATTERNS = 10;

/** Reports `events` patterns that select no known event type (probable typos); a pattern from a macro is not shown. */
export function warnUnmatchedPatterns(options: ResolvedWebhookOptions, log: DiagLogger, sources: readonly ValueSource[] = []): void {
  const unmatched = unmatchedPatterns(options.events, MAX_WARNED_PATTERNS);
  for (const { pattern, suggestions } of unmatched.slice(0, MAX_WARNED_PATTERNS)) {
    const source = sourceOf(sources, 'events', options.events.indexOf(pattern));
    if (source !== undefined) {
      log.warn(`an events pattern (${describeSource(source)}) matches no known event type`);
      continue;
    }
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
    log.warn(`events pattern "${pattern}" matches no known event type${hint}`);
  }
  const more = unmatched.length - MAX_WARNED_PATTERNS;
  if (more > 0) {
    log.warn(
      `${more} more events ${more === 1 ? 'pattern matches' : 'patterns match'} no known event type (fine for an application's own event types)`,
    );
  }
}
