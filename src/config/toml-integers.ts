/** TOML keys of a `[webhook."<id>"]` table whose values are integers. */
export const TOML_INTEGER_KEYS: ReadonlySet<string> = new Set([
  'max-batch-events',
  'max-batch-bytes',
  'max-queue-events',
  'max-queue-bytes',
  'spool-max-bytes',
]);

const DIGITS = /^\d+$/;

/**
 * An integer key's value as Stalwart reads it. Stalwart ≤ 0.15 keeps every TOML value as text
 * (`max-batch-events = 25` and `max-batch-events = "25"` are the same), so a string of decimal
 * digits is that number, as long as a number holds it exactly. Any other value is returned as it
 * is, for the resolver to refuse it naming the key and the value.
 */
export function stalwartInteger(value: unknown): unknown {
  if (typeof value !== 'string' || !DIGITS.test(value)) return value;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value;
}
