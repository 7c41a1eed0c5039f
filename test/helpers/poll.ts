/** How long {@link waitUntil} and {@link becomesTrue} sleep between two checks. */
const POLL_MILLIS = 10;

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/**
 * Whether `check()` holds within `timeoutMillis`, checked every few milliseconds: the one
 * way the tests wait for a condition (never a fixed sleep). Resolves false on timeout.
 */
export async function becomesTrue(check: () => boolean, timeoutMillis: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMillis;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(POLL_MILLIS);
  }
  return true;
}

/** Like {@link becomesTrue}, but rejects on timeout with `timed out waiting for <what>`. */
export async function waitUntil(check: () => boolean, timeoutMillis: number, what: string | (() => string) = 'a condition'): Promise<void> {
  if (await becomesTrue(check, timeoutMillis)) return;
  throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
}
