/**
 * Delay before retry number `attempt` (1 for the first retry): exponential from `baseMillis`,
 * capped, with full jitter, but never shorter than `baseMillis`.
 */
export function backoffMillis(attempt: number, baseMillis: number, capMillis: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMillis, baseMillis * 2 ** Math.min(attempt, 30));
  return Math.max(baseMillis, Math.floor(random() * ceiling));
}
