import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { WebhookLogRecordProcessor } from '../processor.ts';
import { type DecodeNotes, OtlpDecodeError } from './decode-error.ts';
import { decodeJsonLogs } from './decode-json.ts';
import { decodeProtobufLogs } from './decode-protobuf.ts';
import { emitRecords } from './emit-records.ts';
import { BodyError, contentEncoding, readBody } from './read-body.ts';
import { CONTENT_TYPES, encodingOf, exportResponse, type OtlpEncoding, type PartialSuccess, statusBody } from './responses.ts';
import { type Busy, checkRoom } from './room.ts';

/** What the `/v1/logs` handler needs of the gateway. */
export interface LogsContext {
  readonly processors: readonly WebhookLogRecordProcessor[];
  readonly maxBodyBytes: number;
  /** Checks the Authorization header; absent when the gateway takes any request. */
  readonly authorize: ((header: string | undefined) => boolean) | undefined;
  /** Why nothing can be taken now (shutting down, every webhook stopped), or undefined. */
  readonly unavailable: () => Busy | undefined;
  /** Bodies being read or decoded now, and how many may be. */
  active: number;
  readonly maxActive: number;
}

/** How a `/v1/logs` request was answered, for the request log and the counters. */
export interface LogsOutcome {
  readonly status: number;
  readonly encoding: OtlpEncoding | undefined;
  readonly gzip: boolean;
  readonly bytes: number;
  readonly records: number;
  readonly selected: number;
  readonly rejected: number;
  readonly message: string | undefined;
}

function answer(res: ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function decode(encoding: OtlpEncoding, body: Buffer, notes: DecodeNotes): ReadableLogRecord[] {
  return encoding === 'protobuf' ? decodeProtobufLogs(body) : decodeJsonLogs(body.toString('utf8'), notes);
}

/**
 * `POST /v1/logs` by the OTLP/HTTP specification: the answer in the request's encoding, 400
 * for a body that is not a logs request, 413 past the size limit (also once decompressed),
 * 415 for another Content-Type or Content-Encoding, 429/503 with Retry-After when a webhook
 * cannot take the records now (so that the sender keeps and retries them), and 200 with
 * `partialSuccess` for records rejected for good.
 */
export async function handleLogs(context: LogsContext, req: IncomingMessage, res: ServerResponse): Promise<LogsOutcome> {
  const encoding = encodingOf(req.headers['content-type']);
  const compression = contentEncoding(req);
  const gzip = compression === 'gzip';
  let bytes = 0;
  let records = 0;
  const fail = (status: number, message: string, headers: Record<string, string> = {}): LogsOutcome => {
    if (encoding === undefined) answer(res, status, 'text/plain; charset=utf-8', `${message}\n`, headers);
    else answer(res, status, CONTENT_TYPES[encoding], statusBody(encoding, status, message), headers);
    return { status, encoding, gzip, bytes, records, selected: 0, rejected: 0, message };
  };
  // A 503 also closes the connection, so that a load balancer's next request can go elsewhere.
  const busy = (why: Busy): LogsOutcome =>
    fail(why.status, why.message, { 'retry-after': String(why.retryAfterSeconds), ...(why.status === 503 ? { connection: 'close' } : {}) });

  if (context.authorize !== undefined && !context.authorize(req.headers.authorization)) {
    return fail(401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer realm="otel-webhooks"' });
  }
  if (encoding === undefined) {
    const type = req.headers['content-type'];
    return fail(415, `unsupported Content-Type ${JSON.stringify(type ?? '')}: send application/x-protobuf or application/json`);
  }
  if (compression !== 'identity' && !gzip) {
    return fail(415, `unsupported Content-Encoding ${JSON.stringify(compression)}: send gzip or no encoding`);
  }
  const before = context.unavailable();
  if (before !== undefined) return busy(before);
  if (context.active >= context.maxActive) {
    return busy({ status: 503, retryAfterSeconds: 1, message: `${context.maxActive} requests are being read already` });
  }
  context.active++;
  let decoded: ReadableLogRecord[];
  const notes: DecodeNotes = { warnings: [] };
  try {
    const body = await readBody(req, gzip ? 'gzip' : 'identity', context.maxBodyBytes);
    bytes = body.length;
    decoded = decode(encoding, body, notes);
    records = decoded.length;
  } catch (error) {
    if (error instanceof BodyError) return fail(error.status, error.message, error.status === 413 ? { connection: 'close' } : {});
    if (error instanceof OtlpDecodeError) return fail(400, error.message);
    throw error;
  } finally {
    context.active--;
  }
  const after = context.unavailable() ?? checkRoom(context.processors, decoded);
  if (after !== undefined) return busy(after);
  const result = emitRecords(context.processors, decoded);
  // What the answer acknowledges is on disk before it is sent (a spool's group commit would
  // otherwise write it when this turn ends, and a crash in between would lose it).
  for (const processor of context.processors) processor.commitSpool();
  if (result.busy !== undefined) {
    const outcome = busy(result.busy);
    return { ...outcome, selected: result.selected, rejected: result.rejected };
  }
  const messages = [...result.rejections, ...notes.warnings];
  const partial: PartialSuccess | undefined =
    result.rejected > 0 || messages.length > 0 ? { rejectedLogRecords: result.rejected, errorMessage: messages.join('; ') } : undefined;
  answer(res, 200, CONTENT_TYPES[encoding], exportResponse(encoding, partial));
  return {
    status: 200,
    encoding,
    gzip,
    bytes,
    records,
    selected: result.selected,
    rejected: result.rejected,
    message: partial?.errorMessage,
  };
}
