/** Milliseconds per Stalwart duration unit; no unit means milliseconds. */
const UNIT_MILLIS: Readonly<Record<string, number>> = {
  '': 1,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a Stalwart duration: digits, then an optional unit `ms`, `s`, `m`, `h` or `d`
 * (case-insensitive, whitespace anywhere is ignored; no unit means milliseconds).
 * Returns milliseconds, or `undefined` for anything else, zero included:
 * `"1m30s"`, `"1.5s"`, `"-1s"`, `"0"` and `""` are all invalid.
 */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.replace(/\s+/g, '').toLowerCase());
  if (match === null) return undefined;
  const millis = Number(match[1]) * (UNIT_MILLIS[match[2] ?? ''] ?? 1);
  return millis > 0 && Number.isSafeInteger(millis) ? millis : undefined;
}

/** Shows milliseconds in the largest unit that divides them exactly: 300000 → `"5m"`, 1500 → `"1500ms"`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MILLIS[unit] ?? 1;
    if (ms !== 0 && Number.isInteger(ms / size)) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
