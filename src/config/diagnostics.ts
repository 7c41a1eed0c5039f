import { type DiagLogger, diag } from '@opentelemetry/api';
import { unmatchedPatterns } from '../records/match.ts';
import type { ResolvedWebhookOptions } from './options.ts';

/** A logger for one webhook's chatter: `diag`, with the webhook named. */
export function webhookLogger(id: string): DiagLogger {
  return diag.createComponentLogger({ namespace: `otel-webhook-exporter webhook."${id}"` });
}

/** Reports `events` patterns that select no known event type (probable typos). */
export function warnUnmatchedPatterns(options: ResolvedWebhookOptions, log: DiagLogger): void {
  for (const { pattern, suggestions } of unmatchedPatterns(options.events)) {
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
    log.warn(`events pattern "${pattern}" matches no known event type${hint}`);
  }
}
