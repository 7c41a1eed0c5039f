import type { WebhookConfigErrorCode } from './errors.ts';

/**
 * How a validation routine for a group of options reports problems without knowing where the
 * options came from (code or TOML): `fail` throws a `WebhookConfigError` for `option` (a code
 * option path like `tls.caFile`), and `name` spells an option as the source does
 * (`webhook."ops".tls.ca-file` in TOML), for messages that mention a second option.
 */
export interface OptionErrors {
  fail(option: string, code: WebhookConfigErrorCode, problem: string): never;
  name(option: string): string;
}

/** The kind of a value without the value itself: `a number`, `an array`. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const kind = Array.isArray(value) ? 'array' : typeof value;
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** A plain object (not an array, not null). */
export function isPlainRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
