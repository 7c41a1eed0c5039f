// OTLP/HTTP clients for the gateway tests: raw requests over node:http (so that a test sees
// exactly the status, headers and body answered), and bodies encoded with protobufjs from the
// OTLP schema the package ships.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { WebhookOptions } from '../../src/config/options.ts';
import { type Gateway, type GatewayOptions, startGateway } from '../../src/gateway/index.ts';
import { otlpSchema } from '../../src/gateway/otlp-schema.ts';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { type Receiver, type ReceiverOptions, startReceiver } from './receiver.ts';

export interface OtlpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export const PROTOBUF = 'application/x-protobuf';
export const JSON_TYPE = 'application/json';

/** POSTs `body` to `url` (default path /v1/logs) with the given headers; resolves with the whole answer. */
export function post(url: string, body: Buffer | string, headers: Record<string, string> = {}, method = 'POST'): Promise<OtlpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest(target, { method, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // A server that answers early (413) may close while the body is still being written.
    req.on('error', reject);
    req.end(body);
  });
}

/** GET `url`. */
export function get(url: string): Promise<OtlpAnswer> {
  return post(url, '', {}, 'GET');
}

/** An `ExportLogsServiceRequest` from its protobufjs object form (camelCase, bytes as Buffers, int64 as numbers or strings). */
export function protobufBody(request: object): Buffer {
  const type = otlpSchema().request;
  return Buffer.from(type.encode(type.fromObject(request)).finish());
}

/** A decoded `ExportLogsServiceResponse` (protobuf). */
export function protobufResponse(body: Buffer): { partialSuccess?: { rejectedLogRecords: string; errorMessage: string } } {
  const type = otlpSchema().response;
  return type.toObject(type.decode(body), { longs: String }) as never;
}

/** A decoded `google.rpc.Status` (protobuf). */
export function protobufStatus(body: Buffer): { code?: number; message?: string } {
  const type = otlpSchema().status;
  return type.toObject(type.decode(body)) as never;
}

export function gzip(body: Buffer | string): Buffer {
  return gzipSync(body);
}

/** One resource, one scope, these records (OTLP/JSON form). */
export function jsonRequest(logRecords: object[], resourceAttributes: object[] = []): object {
  return { resourceLogs: [{ resource: { attributes: resourceAttributes }, scopeLogs: [{ scope: { name: 'test' }, logRecords }] }] };
}

/** A record of `type` at a fixed time, with `attributes` as OTLP KeyValues of strings. */
export function jsonRecord(type: string, attributes: Record<string, string> = {}, time = '1795000000000000000'): object {
  return {
    timeUnixNano: time,
    eventName: type,
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } })),
  };
}

/** A gateway in this process, in front of one processor per `webhooks` entry, all sending to one receiver. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly receiver: Receiver;
  readonly processors: WebhookLogRecordProcessor[];
  /** `${gateway.url}/v1/logs` */
  readonly logsUrl: string;
  close(): Promise<void>;
}

export async function startTestGateway(
  webhooks: ReadonlyArray<Partial<WebhookOptions>>,
  options: Omit<GatewayOptions, 'processors'> = {},
  receiverOptions: ReceiverOptions = {},
): Promise<TestGateway> {
  const receiver = await startReceiver(receiverOptions);
  let processors: WebhookLogRecordProcessor[];
  let gateway: Gateway;
  try {
    processors = webhooks.map(
      (webhook, index) => new WebhookLogRecordProcessor({ id: `hook${index}`, url: receiver.url, events: ['*'], ...webhook }),
    );
    gateway = await startGateway({ port: 0, ...options, processors });
  } catch (error) {
    await receiver.close();
    throw error;
  }
  return {
    gateway,
    receiver,
    processors,
    logsUrl: `${gateway.url}/v1/logs`,
    async close() {
      await gateway.shutdown();
      await receiver.close();
    },
  };
}
