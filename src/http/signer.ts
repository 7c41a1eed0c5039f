import type { ResolvedWebhookOptions } from '../config/options.ts';
import { sign } from './sign.ts';
import { decodeWebhookSecret, standardSignature } from './standard-webhooks.ts';

/**
 * The signature headers of one attempt: `body` is the exact request body, `batchId` names the
 * batch (the same on every retry of it), `nowMillis` is when the attempt is made. Returns the
 * headers to add, keyed by lower-case name (none when the webhook does not sign).
 */
export type Signer = (body: Uint8Array, batchId: string, nowMillis: number) => Readonly<Record<string, string>>;

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Signs requests as the webhook is configured: Stalwart's `X-Signature` (HMAC-SHA256 of the
 * body with the key's UTF-8 bytes), or Standard Webhooks' `webhook-id`, `webhook-timestamp`
 * and `webhook-signature` (one `v1,` signature per key). The keys are held by the returned
 * function only, out of reach of inspection.
 */
export function createSigner(options: Pick<ResolvedWebhookOptions, 'signatureScheme' | 'signatureKey'>): Signer {
  const { signatureKey, signatureScheme } = options;
  if (signatureKey === undefined) return () => NO_HEADERS;
  const keys: readonly string[] = typeof signatureKey === 'string' ? [signatureKey] : signatureKey;
  if (signatureScheme !== 'standard-webhooks') {
    const key = keys[0] as string;
    return (body) => ({ 'x-signature': sign(body, key) });
  }
  const secrets = keys.map((key) => {
    const decoded = decodeWebhookSecret(key);
    // Validated when the options were resolved; a bad key here is a programming error.
    if (decoded === undefined) throw new TypeError('signature key is not a whsec_ secret');
    return decoded;
  });
  return (body, id, nowMillis) => {
    const timestamp = String(Math.floor(nowMillis / 1000));
    return {
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': standardSignature(secrets, id, Number(timestamp), body),
    };
  };
}
