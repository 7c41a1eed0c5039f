/** TOML keys of a `[webhook."<id>"]` table whose values are booleans. */
export const TOML_BOOLEAN_KEYS: ReadonlySet<string> = new Set(['enable', 'lossy', 'allow-invalid-certs', 'deliver-on-exit']);

/**
 * A boolean key's value as Stalwart reads it. Stalwart ≤ 0.15 keeps every TOML value as text
 * (`lossy = true` and `lossy = "true"` are the same) and reads booleans with Rust's
 * `str::parse::<bool>`, which takes exactly `true` and `false`: so the strings `"true"` and
 * `"false"` are the booleans. Any other value is returned as it is, for the resolver to
 * refuse it naming the key and the value.
 */
export function stalwartBoolean(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}
