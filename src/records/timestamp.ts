let cachedSecond = Number.NaN;
let cachedText = '';

/**
 * RFC 3339 UTC timestamp with whole seconds (`2026-11-22T10:05:14Z`), as Stalwart writes
 * `createdAt`. The last second formatted is cached: a burst of events costs one format.
 */
export function formatCreatedAt(epochMillis: number): string {
  const second = Math.floor(epochMillis / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString();
    cachedText = `${iso.slice(0, 19)}Z`;
    cachedSecond = second;
  }
  return cachedText;
}
