import { createHmac, timingSafeEqual } from 'node:crypto';
import { type HeaderBag, headerValue, verifyStandardWebhook } from './standard-webhooks.ts';

/** `X-Signature` value: standard base64 of HMAC-SHA256(UTF-8 key, exact body bytes). */
export function sign(body: string | Uint8Array, key: string): string {
  return createHmac('sha256', key).update(body).digest('base64');
}

/** What {@link verifySignature} checks when given the request's headers. */
export type VerifyOptions =
  /** Stalwart's `X-Signature` made with `key`. */
  | { readonly scheme?: 'stalwart' | undefined; readonly key: string }
  /**
   * Standard Webhooks: `webhook-id`, `webhook-timestamp` (within 5 minutes of `nowMillis`)
   * and a `webhook-signature` made with one of `keys` (`whsec_…` secrets).
   */
  | { readonly scheme: 'standard-webhooks'; readonly keys: string | readonly string[]; readonly nowMillis?: number | undefined };

function verifyStalwart(body: string | Uint8Array, signature: unknown, key: unknown): boolean {
  if (typeof signature !== 'string' || typeof key !== 'string') return false;
  const expected = Buffer.from(sign(body, key), 'latin1');
  const given = Buffer.from(signature.trim(), 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Checks a request's signature against the exact body bytes received, in constant time;
 * never throws. For receivers: pass the raw body (not re-parsed and re-serialized JSON).
 *
 * - `verifySignature(body, xSignature, key)`: the `X-Signature` header value and the shared key.
 * - `verifySignature(body, headers, { key })`: the same, taking `X-Signature` from the headers.
 * - `verifySignature(body, headers, { scheme: 'standard-webhooks', keys })`: Standard Webhooks
 *   headers, with one `whsec_…` secret or several (any one matching is enough).
 */
export function verifySignature(body: string | Uint8Array, signature: string, key: string): boolean;
export function verifySignature(body: string | Uint8Array, headers: HeaderBag, options: VerifyOptions): boolean;
export function verifySignature(body: string | Uint8Array, given: string | HeaderBag, check: string | VerifyOptions): boolean {
  if (typeof check === 'string' || typeof given === 'string') {
    return typeof check === 'string' && verifyStalwart(body, given, check);
  }
  if (typeof given !== 'object' || given === null || typeof check !== 'object' || check === null) return false;
  if (check.scheme === 'standard-webhooks') {
    const keys = typeof check.keys === 'string' ? [check.keys] : Array.isArray(check.keys) ? check.keys : [];
    return verifyStandardWebhook(body, given, keys, check.nowMillis ?? Date.now());
  }
  return verifyStalwart(body, headerValue(given, 'x-signature'), check.key);
}
