import type { WebhookOptions, WebhookOverrides } from './options.ts';
import { levenshtein } from './suggest.ts';

const OPTION_KEY_SET: Readonly<Record<keyof WebhookOptions, true>> = {
  id: true,
  url: true,
  events: true,
  timeout: true,
  timeoutMillis: true,
  throttle: true,
  throttleMillis: true,
  signatureKey: true,
  signatureScheme: true,
  proxy: true,
  tls: true,
  headers: true,
  allowInvalidCerts: true,
  auth: true,
  lossy: true,
  discardAfter: true,
  discardAfterMillis: true,
  enable: true,
  level: true,
  maxBatchEvents: true,
  maxBatchBytes: true,
  retryMax: true,
  retryMaxMillis: true,
  shutdownTimeout: true,
  shutdownTimeoutMillis: true,
  maxQueueEvents: true,
  maxQueueBytes: true,
  spoolDir: true,
  spoolMaxBytes: true,
  spoolSync: true,
  spoolFsyncInterval: true,
  spoolFsyncIntervalMillis: true,
  eventType: true,
  ca: true,
  deliverOnExit: true,
  selfObsMeterProvider: true,
};

const OVERRIDE_KEY_SET: Readonly<Record<keyof WebhookOverrides, true>> = { eventType: true, ca: true, selfObsMeterProvider: true };

/** The code-only options (no TOML or registry form): the keys `createWebhookProcessors` overrides may hold. */
export const OVERRIDE_KEYS: readonly string[] = Object.freeze(Object.keys(OVERRIDE_KEY_SET));

/** Every key of {@link WebhookOptions}: the names a code options object may use. The record above makes the type checker insist on every key. */
export const OPTION_KEYS: readonly string[] = Object.freeze(Object.keys(OPTION_KEY_SET));

/** Every key of {@link WebhookAuthOptions}. */
export const AUTH_KEYS: readonly string[] = Object.freeze(['username', 'secret', 'token']);

/** Case, `-` and `_` ignored: `signature-key`, `signature_key` and `signatureKey` are alike. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The known name closest to `name` (within two edits, spelling style ignored), for a
 * "did you mean" hint; `undefined` when none is close.
 */
export function closestKey(name: string, known: readonly string[]): string | undefined {
  const wanted = normalize(name);
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = levenshtein(wanted, normalize(candidate), bestDistance);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** The first own key of `input` that is not in `known`, or `undefined`. */
export function unknownKey(input: Readonly<Record<string, unknown>>, known: readonly string[]): string | undefined {
  return Object.keys(input).find((key) => !known.includes(key));
}

/** `, did you mean "x"?` for the closest known key, else ''. */
export function didYouMean(key: string, known: readonly string[]): string {
  const best = closestKey(key, known);
  return best === undefined ? '' : `, did you mean ${JSON.stringify(best)}?`;
}
