import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Signature` value: standard base64 of HMAC-SHA256(UTF-8 key, exact body bytes). */
export function sign(body: string | Uint8Array, key: string): string {
  return createHmac('sha256', key).update(body).digest('base64');
}

/**
 * Checks an `X-Signature` header against the exact body bytes received, in constant time.
 * For receivers: pass the raw body (not re-parsed and re-serialized JSON) and the shared key.
 */
export function verifySignature(body: string | Uint8Array, signature: string, key: string): boolean {
  if (typeof signature !== 'string' || typeof key !== 'string') return false;
  const expected = Buffer.from(sign(body, key), 'latin1');
  const given = Buffer.from(signature.trim(), 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
