import { createHmac, timingSafeEqual } from 'node:crypto';

/** The prefix of a Standard Webhooks secret. */
export const SECRET_PREFIX: string = 'whsec_';

/** How far a `webhook-timestamp` may be from the receiver's clock, as the official libraries allow. */
export const TOLERANCE_SECONDS: number = 5 * 60;

/** Standard base64 (`+/`), padding optional: what the official libraries decode. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The key bytes of a `whsec_…` secret (standard base64 after the prefix), or `undefined`
 * when the text is not one.
 */
export function decodeWebhookSecret(secret: string): Buffer | undefined {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) return undefined;
  const text = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(text)) return undefined;
  const digits = text.replace(/=+$/, '').length;
  // A last group of one digit cannot encode a byte; padding must complete the last group.
  if (digits % 4 === 1 || (text.length !== digits && text.length % 4 !== 0)) return undefined;
  const key = Buffer.from(text, 'base64');
  return key.length === 0 ? undefined : key;
}

/** Why a secret is not a valid `whsec_` secret, for config errors (never quoting the secret). */
export function secretProblem(secret: string): string | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return `must start with "${SECRET_PREFIX}"`;
  if (/[-_]/.test(secret.slice(SECRET_PREFIX.length)))
    return `must be standard base64 (with + and /, not - and _) after "${SECRET_PREFIX}"`;
  if (decodeWebhookSecret(secret) === undefined) return `must be valid, non-empty base64 after "${SECRET_PREFIX}"`;
  return undefined;
}

/** `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`. */
function signatureWith(key: Buffer, id: string, timestampSeconds: number, body: string | Uint8Array): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.`).update(body).digest('base64')}`;
}

/** The `webhook-signature` value: one `v1,…` signature per key, separated by spaces (key rotation). */
export function standardSignature(keys: readonly Buffer[], id: string, timestampSeconds: number, body: string | Uint8Array): string {
  return keys.map((key) => signatureWith(key, id, timestampSeconds, body)).join(' ');
}

/** Header values as Node's `IncomingHttpHeaders` (or a plain record) hold them. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A header by lower-case name from a bag whose names may be in any case. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}

/**
 * Checks `webhook-id`, `webhook-timestamp` and `webhook-signature` against the exact body
 * bytes: true when the timestamp is within {@link TOLERANCE_SECONDS} of `nowMillis` and some
 * `v1` signature matches some key. Comparisons are constant-time; never throws.
 */
export function verifyStandardWebhook(
  body: string | Uint8Array,
  headers: HeaderBag,
  secrets: readonly string[],
  nowMillis: number = Date.now(),
): boolean {
  const id = headerValue(headers, 'webhook-id');
  const timestamp = headerValue(headers, 'webhook-timestamp');
  const signatures = headerValue(headers, 'webhook-signature');
  if (id === undefined || timestamp === undefined || signatures === undefined || id === '') return false;
  if (!/^\d+$/.test(timestamp.trim())) return false;
  const seconds = Number(timestamp.trim());
  if (Math.abs(Math.floor(nowMillis / 1000) - seconds) > TOLERANCE_SECONDS) return false;
  const given = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry, 'latin1'));
  let matched = false;
  for (const secret of secrets) {
    const key = decodeWebhookSecret(secret);
    if (key === undefined) continue;
    const expected = Buffer.from(signatureWith(key, id, seconds, body), 'latin1');
    for (const candidate of given) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
  }
  return matched;
}
