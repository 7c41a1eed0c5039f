import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyError, readBody } from '../gateway/read-body.ts';
import { verifySignature } from '../http/sign.ts';

/** Largest request body a receiver reads unless told otherwise: 16 MiB, as `serve` takes. */
export const DEFAULT_RECEIVER_MAX_BODY_BYTES: number = 16 * 1024 * 1024;

/** What a receiver checks on every request; unset fields are not checked. */
export interface ReceiverOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** Requests must carry a valid `X-Signature` made with this key. */
  signatureKey?: string;
  /** Requests must carry valid Standard Webhooks headers signed with one of these `whsec_` secrets. */
  standardKeys?: readonly string[];
  /** Requests must carry `Authorization: Basic` with this user and `secret`. */
  username?: string;
  secret?: string;
  /** Requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Chooses the status of each answer (1-based request number); default 200. */
  status?: (request: number) => number;
  /** Waits this long before answering. */
  delayMillis?: number;
  /** Keeps every batch in {@link Receiver.batches}; without it only {@link Receiver.requests} counts them. */
  keepBatches?: boolean;
  /**
   * Largest body read; a longer one is answered 413 (at once when its Content-Length says so)
   * without the rest being kept in memory.
   * @default 16777216
   */
  maxBodyBytes?: number;
}

/** Verdict of one check: passed, failed, or not checked (nothing configured). */
export type Verdict = 'ok' | 'failed' | 'unchecked';

/** One event as the receiver saw it. */
export interface ReceivedEvent {
  readonly id: string;
  readonly createdAt: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** One request as the receiver saw it. */
export interface ReceivedBatch {
  /** 1-based request number. */
  readonly index: number;
  readonly path: string;
  /** performance.now() when the request arrived. */
  readonly at: number;
  readonly bytes: number;
  readonly events: readonly ReceivedEvent[];
  readonly signature: Verdict;
  /** The `webhook-id` header (Standard Webhooks), when sent. */
  readonly webhookId: string | undefined;
  readonly auth: Verdict;
  /** The status the receiver answered. */
  readonly status: number;
  /** Why the batch was refused, when it was. */
  readonly problem: string | undefined;
}

export interface Receiver {
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  /** Every batch answered, with `keepBatches`; else empty. */
  readonly batches: readonly ReceivedBatch[];
  /** Called for every batch, after it was answered. */
  onBatch: ((batch: ReceivedBatch) => void) | undefined;
  close(): Promise<void>;
}

function parseEvents(body: Buffer): ReceivedEvent[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  const events = (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return 'body has no "events" array';
  for (const event of events as Record<string, unknown>[]) {
    if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof event.createdAt !== 'string') {
      return 'an event lacks id, type or createdAt';
    }
  }
  return events as ReceivedEvent[];
}

function checkSignature(body: Buffer, headers: IncomingHttpHeaders, options: ReceiverOptions): Verdict {
  if (options.standardKeys !== undefined) {
    return verifySignature(body, headers, { scheme: 'standard-webhooks', keys: options.standardKeys }) ? 'ok' : 'failed';
  }
  if (options.signatureKey === undefined) return 'unchecked';
  const given = headers['x-signature'];
  return typeof given === 'string' && verifySignature(body, given, options.signatureKey) ? 'ok' : 'failed';
}

function checkAuth(header: string | undefined, options: ReceiverOptions): Verdict {
  if (options.token !== undefined) return header === `Bearer ${options.token}` ? 'ok' : 'failed';
  if (options.username !== undefined || options.secret !== undefined) {
    const expected = `Basic ${Buffer.from(`${options.username ?? ''}:${options.secret ?? ''}`).toString('base64')}`;
    return header === expected ? 'ok' : 'failed';
  }
  return 'unchecked';
}

/**
 * A webhook receiver on loopback that checks what a Stalwart receiver would check: the
 * `X-Signature` (or the Standard Webhooks headers) over the exact body bytes, the
 * `Authorization` header, and the body's shape.
 * Answers 413 on a body over `maxBodyBytes`, 401 on a bad signature or credentials, 400 on a
 * malformed body, else `status`.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const batches: ReceivedBatch[] = [];
  let count = 0;
  let answered = 0;
  const receiver: Receiver = {
    url: '',
    get requests() {
      return answered;
    },
    batches,
    onBatch: undefined,
    close: () => close(server),
  };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_RECEIVER_MAX_BODY_BYTES;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    readBody(request, 'identity', maxBodyBytes).then(
      (body) => take(request, response, body),
      (error: unknown) => {
        // 400: the client went away or the stream failed; there is no one to answer.
        if (error instanceof BodyError && error.status === 413) refuseTooLarge(request, response, error.message);
        else request.destroy();
      },
    );
  });

  const record = (batch: ReceivedBatch): void => {
    answered++;
    if (options.keepBatches === true) batches.push(batch);
    receiver.onBatch?.(batch);
  };

  const take = (request: IncomingMessage, response: ServerResponse, body: Buffer): void => {
    const index = ++count;
    const at = performance.now();
    const signature = checkSignature(body, request.headers, options);
    const webhookId = request.headers['webhook-id'];
    const auth = checkAuth(request.headers.authorization, options);
    const parsed = parseEvents(body);
    let status = options.status?.(index) ?? 200;
    let problem: string | undefined;
    if (signature === 'failed') problem = 'bad signature';
    else if (auth === 'failed') problem = 'bad credentials';
    else if (typeof parsed === 'string') problem = parsed;
    if (problem !== undefined) status = problem.startsWith('bad') ? 401 : 400;
    const batch: ReceivedBatch = {
      index,
      path: request.url ?? '/',
      at,
      bytes: body.length,
      events: typeof parsed === 'string' ? [] : parsed,
      signature,
      webhookId: typeof webhookId === 'string' ? webhookId : undefined,
      auth,
      status,
      problem,
    };
    const answer = (): void => {
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : (problem ?? 'refused'));
      record(batch);
    };
    if (options.delayMillis === undefined) answer();
    else setTimeout(answer, options.delayMillis).unref();
  };

  /** A body over the limit: answered 413 at once and the connection closed; nothing of it is kept or checked. */
  const refuseTooLarge = (request: IncomingMessage, response: ServerResponse, problem: string): void => {
    const webhookId = request.headers['webhook-id'];
    const declared = Number(request.headers['content-length']);
    const batch: ReceivedBatch = {
      index: ++count,
      path: request.url ?? '/',
      at: performance.now(),
      bytes: Number.isSafeInteger(declared) ? declared : maxBodyBytes + 1,
      events: [],
      signature: 'unchecked',
      webhookId: typeof webhookId === 'string' ? webhookId : undefined,
      auth: checkAuth(request.headers.authorization, options),
      status: 413,
      problem,
    };
    response.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end(problem);
    record(batch);
  };

  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return Object.assign(receiver, { url: `http://${host}:${port}` });
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
