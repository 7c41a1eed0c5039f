/** The two ways a webhook configuration is written. */
export type ConfigFormat = 'toml' | 'json';

/**
 * Tells a Stalwart TOML configuration (≤ 0.15) from 0.16 registry JSON by its first characters:
 * JSON starts with `{` (one object, a JMAP response, or NDJSON lines) or with `[` followed by
 * `{` or `]` (an array of objects). A TOML document cannot: `[` there opens a table header,
 * whose name is a bare or quoted key, never `{`.
 */
export function detectFormat(text: string): ConfigFormat {
  const start = /^\uFEFF?\s*(\S)(\s*)(\S?)/.exec(text);
  if (start === null) return 'toml';
  const [, first, , second] = start;
  if (first === '{') return 'json';
  if (first === '[' && (second === '{' || second === ']')) return 'json';
  return 'toml';
}
