import { compileEventMatcher } from '../records/match.ts';
import { LEVEL_SEVERITY } from '../records/severity.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { didYouMean, unknownKey } from './known-options.ts';
import type { ResolvedWebhookOptions, WebhookLevel } from './options.ts';
import { describe, fail, type Input, type Locate, type Place, show } from './place.ts';
import { redactUrl } from './redact.ts';

/** Largest delay a Node.js timer accepts. */
export const MAX_TIMER_MILLIS: number = 2 ** 31 - 1;

/** Each duration option: its string form and its milliseconds form. */
export const DURATIONS: ReadonlyArray<
  readonly [
    text: 'timeout' | 'throttle' | 'discardAfter' | 'retryMax' | 'shutdownTimeout' | 'spoolFsyncInterval',
    millis:
      | 'timeoutMillis'
      | 'throttleMillis'
      | 'discardAfterMillis'
      | 'retryMaxMillis'
      | 'shutdownTimeoutMillis'
      | 'spoolFsyncIntervalMillis',
  ]
> = [
  ['timeout', 'timeoutMillis'],
  ['throttle', 'throttleMillis'],
  ['discardAfter', 'discardAfterMillis'],
  ['retryMax', 'retryMaxMillis'],
  ['shutdownTimeout', 'shutdownTimeoutMillis'],
  ['spoolFsyncInterval', 'spoolFsyncIntervalMillis'],
];

/** Options are as strict as TOML keys: a name that is not an option is an error, with the closest one. */
export function rejectUnknownKeys(input: Input, known: readonly string[], prefix: string, locate: Locate): void {
  const key = unknownKey(input, known);
  if (key !== undefined) fail(locate(`${prefix}${key}`), 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown option${didYouMean(key, known)}`);
}

export function isLevel(value: string): value is WebhookLevel {
  return Object.hasOwn(LEVEL_SEVERITY, value);
}

/** Only the kind can be checked at run time; the signature is the caller's promise. */
export function isFunction(value: unknown): value is NonNullable<ResolvedWebhookOptions['eventType']> {
  return typeof value === 'function';
}

/** An object with a `getMeter` method, as `@opentelemetry/api`'s `MeterProvider` has. */
export function isMeterProvider(value: unknown): value is NonNullable<ResolvedWebhookOptions['selfObsMeterProvider']> {
  return typeof value === 'object' && value !== null && typeof (value as { getMeter?: unknown }).getMeter === 'function';
}

/** `undefined`, or a value that passes `check`; `secret` values are described, never shown. */
export function optional<T>(value: unknown, place: Place, check: (v: unknown) => v is T, expected: string, secret: boolean): T | undefined {
  if (value === undefined || check(value)) return value;
  return fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be ${expected}, got ${secret ? describe(value) : show(value)}`);
}

export function requiredString(input: Input, option: string, locate: Locate): string {
  const value = input[option];
  if (value === undefined) fail(locate(option), 'ERR_WEBHOOK_MISSING_KEY', ': missing');
  if (typeof value !== 'string') fail(locate(option), 'ERR_WEBHOOK_INVALID_TYPE', ` must be a string, got ${show(value)}`);
  if (value === '') fail(locate(option), 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
  return value;
}

export function resolveUrl(value: unknown, locate: Locate): URL {
  const place = locate('url');
  if (value === undefined) fail(place, 'ERR_WEBHOOK_MISSING_KEY', ': missing');
  // A URL of the wrong type is not shown: it may carry credentials.
  if (typeof value !== 'string') fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a string, got ${describe(value)}`);
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    fail(place, 'ERR_WEBHOOK_INVALID_URL', ` must be an http: or https: URL, got ${show(redactUrl(value))}`);
  }
  return url;
}

export function resolveEvents(value: unknown, locate: Locate): readonly string[] {
  const place = locate('events');
  if (value === undefined) fail(place, 'ERR_WEBHOOK_MISSING_KEY', ': missing');
  if (!Array.isArray(value)) fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be an array of event patterns, got ${show(value)}`);
  if (value.length === 0) fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' must list at least one event pattern, got []');
  const patterns: string[] = [];
  for (const [index, pattern] of value.entries()) {
    if (typeof pattern !== 'string') {
      fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must contain only strings, got ${show(pattern)} at index ${index}`);
    }
    if (pattern === '' || pattern === '!') {
      fail(place, 'ERR_WEBHOOK_INVALID_PATTERN', ` must not contain an empty pattern, got ${show(pattern)} at index ${index}`);
    }
    try {
      compileEventMatcher([pattern]);
    } catch {
      fail(place, 'ERR_WEBHOOK_INVALID_PATTERN', ` has an invalid pattern ${show(pattern)} at index ${index}`);
    }
    patterns.push(pattern);
  }
  return Object.freeze(patterns);
}

/** A duration given as a string (`timeout`) or as milliseconds (`timeoutMillis`), else `fallback`. */
export function resolveDuration(input: Input, textOption: string, millisOption: string, fallback: number, locate: Locate): number {
  const text = input[textOption];
  const millis = input[millisOption];
  if (text !== undefined && millis !== undefined) {
    fail(locate(textOption), 'ERR_WEBHOOK_INVALID_VALUE', ` cannot be combined with ${locate(millisOption).key}`);
  }
  let result: number;
  let place: Place;
  if (text !== undefined) {
    place = locate(textOption);
    if (typeof text !== 'string') fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a duration like "30s", got ${show(text)}`);
    result = parseDuration(text) ?? fail(place, 'ERR_WEBHOOK_INVALID_DURATION', `: expected a duration like "30s", got ${show(text)}`);
  } else if (millis !== undefined) {
    place = locate(millisOption);
    if (typeof millis !== 'number') fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a number of milliseconds, got ${show(millis)}`);
    if (!Number.isInteger(millis) || millis <= 0)
      fail(place, 'ERR_WEBHOOK_INVALID_DURATION', ` must be a positive integer, got ${show(millis)}`);
    result = millis;
  } else {
    return fallback;
  }
  if (result > MAX_TIMER_MILLIS) {
    fail(
      place,
      'ERR_WEBHOOK_INVALID_DURATION',
      ` must be at most ${formatDuration(MAX_TIMER_MILLIS)} (about 24.8 days), got ${show(text ?? millis)}`,
    );
  }
  return result;
}

export function resolveBoolean(input: Input, option: string, fallback: boolean, locate: Locate): boolean {
  const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
  return optional(input[option], locate(option), isBoolean, 'true or false', false) ?? fallback;
}

export function resolveInteger(input: Input, option: string, min: number, fallback: number, locate: Locate): number {
  const isNumber = (value: unknown): value is number => typeof value === 'number';
  const value = optional(input[option], locate(option), isNumber, 'a number', false);
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    fail(locate(option), 'ERR_WEBHOOK_INVALID_VALUE', ` must be an integer of at least ${min}, got ${show(value)}`);
  }
  return value;
}
