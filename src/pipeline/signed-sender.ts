import type { BatchSender } from '../delivery/settings.ts';
import { sign } from '../http/sign.ts';
import type { WebhookTransport } from '../http/transport.ts';

/**
 * The signing step in front of the transport: each body is signed with the webhook's key
 * (`X-Signature`) and POSTed. The batch id, stable across retries, is where an id-carrying
 * scheme starts from. The key lives in this closure only, out of reach of `util.inspect`
 * and `JSON.stringify`.
 */
export function signedSender(transport: WebhookTransport, signatureKey: string | undefined): BatchSender {
  return {
    send: (body, _batchId) => transport.send(body, signatureKey === undefined ? undefined : sign(body, signatureKey)),
    close: () => transport.close(),
    destroy: () => transport.destroy(),
  };
}
