import { otlpSchema } from './otlp-schema.ts';

/** How a request body is encoded, and so its answer. */
export type OtlpEncoding = 'protobuf' | 'json';

export const CONTENT_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The encoding named by a `Content-Type` header (parameters and case ignored), or undefined for any other type. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  if (contentType === undefined) return undefined;
  const type = (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

/** Records rejected for good (the sender must not retry them), with why. */
export interface PartialSuccess {
  readonly rejectedLogRecords: number;
  readonly errorMessage: string;
}

/** The longest error message sent back; OTLP caps a whole response at 4 MiB. */
const MAX_MESSAGE_CHARS = 4096;

function clip(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS ? message : `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}

/** `ExportLogsServiceResponse`: empty on full success, `partialSuccess` when some records were rejected or there is a warning. */
export function exportResponse(encoding: OtlpEncoding, partial: PartialSuccess | undefined): Buffer {
  if (encoding === 'json') {
    if (partial === undefined) return Buffer.from('{}');
    const { rejectedLogRecords, errorMessage } = partial;
    return Buffer.from(
      JSON.stringify({ partialSuccess: { rejectedLogRecords: String(rejectedLogRecords), errorMessage: clip(errorMessage) } }),
    );
  }
  if (partial === undefined) return Buffer.alloc(0);
  const { response } = otlpSchema();
  const message = response.create({
    partialSuccess: { rejectedLogRecords: partial.rejectedLogRecords, errorMessage: clip(partial.errorMessage) },
  });
  return Buffer.from(response.encode(message).finish());
}

/** gRPC status codes for the HTTP answers the gateway gives (as the OTLP/gRPC mapping has them). */
const GRPC_CODES: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 12, // UNIMPLEMENTED
  405: 12,
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  429: 8,
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/** A `google.rpc.Status` body for an error answer. */
export function statusBody(encoding: OtlpEncoding, httpStatus: number, message: string): Buffer {
  const code = GRPC_CODES[httpStatus] ?? 2;
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message: clip(message) }));
  const { status } = otlpSchema();
  return Buffer.from(status.encode(status.create({ code, message: clip(message) })).finish());
}
