import picomatch from 'picomatch';
import { WebhookConfigError } from '../config/errors.ts';
import { nearest } from '../config/suggest.ts';
import { eventTypes } from './catalog.ts';

/** Decides whether an event type goes to a webhook. */
export interface EventMatcher {
  /** Hot path: one Map lookup after the first call for a type; no allocation on a cache hit. */
  matches(type: string): boolean;
}

/** The exporter's own error event: never delivered to webhooks, whatever the patterns say. */
export const webhookErrorEventType = 'telemetry.webhook-error';

/** How many distinct type names a matcher remembers decisions for; later names are decided on each call. */
export const maxCachedDecisions = 4096;

type Predicate = (type: string) => boolean;

const globCharacters = /[*?[\]{}()!+@|\\]/;

/**
 * Compiles one pattern (without its `!`). Stalwart's forms come first and keep Stalwart's
 * meaning for any number of dots: `*` is everything, `prefix*` starts-with, `*suffix`
 * ends-with, a name without glob characters is exact. Anything else is a picomatch glob.
 */
function compilePattern(pattern: string, key: string): Predicate {
  if (pattern === '') {
    throw new WebhookConfigError('ERR_WEBHOOK_INVALID_PATTERN', key, `${key}: empty event pattern`);
  }
  if (pattern === '*') return () => true;
  if (!globCharacters.test(pattern)) return (type) => type === pattern;
  if (pattern.endsWith('*') && !globCharacters.test(pattern.slice(0, -1))) {
    const prefix = pattern.slice(0, -1);
    return (type) => type.startsWith(prefix);
  }
  if (pattern.startsWith('*') && !globCharacters.test(pattern.slice(1))) {
    const suffix = pattern.slice(1);
    return (type) => type.endsWith(suffix);
  }
  if (pattern.startsWith('!')) {
    throw new WebhookConfigError(
      'ERR_WEBHOOK_INVALID_PATTERN',
      key,
      `${key}: invalid event pattern ${JSON.stringify(pattern)}: only one leading "!" is allowed`,
    );
  }
  let isMatch: picomatch.Matcher;
  try {
    isMatch = picomatch(pattern, { dot: true, strictBrackets: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WebhookConfigError('ERR_WEBHOOK_INVALID_PATTERN', key, `${key}: invalid event pattern ${JSON.stringify(pattern)}: ${reason}`);
  }
  return (type) => isMatch(type);
}

interface CompiledPattern {
  readonly written: string;
  readonly exclude: boolean;
  readonly test: Predicate;
}

function compileAll(patterns: readonly string[], keyLabel: (index: number) => string): CompiledPattern[] {
  return patterns.map((written, index) => {
    const exclude = written.startsWith('!');
    const test = compilePattern(exclude ? written.slice(1) : written, keyLabel(index));
    return { written, exclude, test };
  });
}

const defaultKeyLabel = (index: number): string => `events[${index}]`;

/**
 * Compiles `events` patterns once. A type is selected when an inclusion pattern matches it (or
 * when there are only exclusions) and no `!` exclusion does; an empty list selects nothing.
 * {@link webhookErrorEventType} is never selected. Matching is case-sensitive.
 * Throws {@link WebhookConfigError} `ERR_WEBHOOK_INVALID_PATTERN` naming `keyLabel(index)`.
 */
export function compileEventMatcher(patterns: readonly string[], keyLabel: (index: number) => string = defaultKeyLabel): EventMatcher {
  const compiled = compileAll(patterns, keyLabel);
  const includes = compiled.filter((pattern) => !pattern.exclude).map((pattern) => pattern.test);
  const excludes = compiled.filter((pattern) => pattern.exclude).map((pattern) => pattern.test);
  const includeAll = includes.length === 0 && excludes.length > 0;

  const decide = (type: string): boolean =>
    type !== webhookErrorEventType && (includeAll || includes.some((test) => test(type))) && !excludes.some((test) => test(type));

  const cache = new Map<string, boolean>();
  // The SDK asks `enabled()` and then `onEmit()` about the same type, back to back.
  let lastType: string | undefined;
  let lastDecision = false;
  return {
    matches(type: string): boolean {
      if (type === lastType) return lastDecision;
      let decision = cache.get(type);
      if (decision === undefined) {
        decision = decide(type);
        if (cache.size < maxCachedDecisions) cache.set(type, decision);
      }
      lastType = type;
      lastDecision = decision;
      return decision;
    },
  };
}

/**
 * Patterns (as written) that select no catalog event type, each with up to 3 nearest catalog
 * names. `!` exclusions are checked the same way, by what they exclude. A pattern naming a
 * catalog type counts as matching even for {@link webhookErrorEventType}.
 */
export function unmatchedPatterns(patterns: readonly string[]): { pattern: string; suggestions: string[] }[] {
  const names = eventTypes.map((info) => info.name);
  return compileAll(patterns, defaultKeyLabel)
    .filter(({ test }) => !names.some((name) => test(name)))
    .map(({ written, exclude }) => ({
      pattern: written,
      suggestions: nearest(exclude ? written.slice(1) : written, names, 3),
    }));
}

/** Catalog event names a pattern list selects, in catalog order. */
export function selectedEventTypes(patterns: readonly string[]): string[] {
  const matcher = compileEventMatcher(patterns);
  return eventTypes.map((info) => info.name).filter((name) => matcher.matches(name));
}
