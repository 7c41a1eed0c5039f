import { type DiagLogger, diag } from '@opentelemetry/api';
import { unmatchedPatterns } from '../records/match.ts';
import type { ResolvedWebhookOptions } from './options.ts';
import { describeSource, sourceOf, type ValueSource } from './sources.ts';

/** A logger for one webhook's chatter: `diag`, with the webhook named. */
export function webhookLogger(id: string): DiagLogger {
  return diag.createComponentLogger({ namespace: `otel-webhook-exporter webhook."${id}"` });
}

/** Reports `events` patterns that select no known event type (probable typos); a pattern from a macro is not shown. */
export function warnUnmatchedPatterns(options: ResolvedWebhookOptions, log: DiagLogger, sources: readonly ValueSource[] = []): void {
  for (const { pattern, suggestions } of unmatchedPatterns(options.events)) {
    const source = sourceOf(sources, 'events', options.events.indexOf(pattern));
    if (source !== undefined) {
      log.warn(`an events pattern (${describeSource(source)}) matches no known event type`);
      continue;
    }
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
    log.warn(`events pattern "${pattern}" matches no known event type${hint}`);
  }
}
