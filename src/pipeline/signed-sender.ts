import type { BatchSender } from '../delivery/settings.ts';
import type { Signer } from '../http/signer.ts';
import type { WebhookTransport } from '../http/transport.ts';

/**
 * The signing step in front of the transport: each attempt of a batch is signed as the
 * webhook is configured (`X-Signature`, or Standard Webhooks with the batch id as
 * `webhook-id` and the attempt's time as `webhook-timestamp`) and POSTed. The keys live in
 * the signer's closure only, out of reach of `util.inspect` and `JSON.stringify`.
 */
export function signedSender(transport: WebhookTransport, signer: Signer): BatchSender {
  return {
    send: (body, batchId) => transport.send(body, signer(body, batchId, Date.now())),
    close: () => transport.close(),
    destroy: () => transport.destroy(),
  };
}
