/** Longer than any wait here; the handle only has to exist, it never fires in practice. */
const FOREVER_MILLIS = 2 ** 31 - 1;

/**
 * Keeps the Node.js event loop (and so the process) alive until `work` settles, even when
 * every timer it waits on is `unref()`ed; resolves or rejects as `work` does.
 */
export function keepAliveUntil<T>(work: Promise<T>): Promise<T> {
  const handle = setInterval(() => {}, FOREVER_MILLIS);
  return work.finally(() => clearInterval(handle));
}
