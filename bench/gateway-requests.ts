/**
 * The gateway benchmark's client side: OTLP export requests built from the benchmark records
 * (one request per `perRequest` consecutive records, so every event's values differ), encoded
 * as OTLP/JSON and as protobuf before anything is measured, and POSTed to the gateway with a
 * few requests in flight, retrying when it pushes back (429/503 with `Retry-After`). Also reads
 * another process's CPU time and peak RSS from /proc (Linux; undefined elsewhere).
 */
import { readFileSync } from 'node:fs';
import type { AnyValue, LogRecord } from '@opentelemetry/api';
import { otlpSchema } from '../src/gateway/otlp-schema.ts';

export type OtlpEncoding = 'protobuf' | 'json';

export interface EncodedRequest {
  readonly body: Uint8Array;
  readonly records: number;
}

type OtlpValue = { stringValue: string } | { intValue: number } | { doubleValue: number } | { boolValue: boolean };

function otlpValue(value: AnyValue): OtlpValue {
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  return { stringValue: String(value) };
}

function otlpRequest(records: readonly LogRecord[], timeUnixNano: string): object {
  const logRecords = records.map((record) => ({
    timeUnixNano,
    observedTimeUnixNano: timeUnixNano,
    severityNumber: record.severityNumber,
    eventName: record.eventName,
    attributes: Object.entries(record.attributes ?? {}).map(([key, value]) => ({ key, value: otlpValue(value as AnyValue) })),
  }));
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
        scopeLogs: [{ scope: { name: 'bench' }, logRecords }],
      },
    ],
  };
}

/** `records` as requests of `perRequest` records each, in `encoding`. */
export function encodeRequests(records: readonly LogRecord[], perRequest: number, encoding: OtlpEncoding): EncodedRequest[] {
  const type = otlpSchema().request;
  const timeUnixNano = `${Date.now()}000000`;
  const requests: EncodedRequest[] = [];
  for (let start = 0; start < records.length; start += perRequest) {
    const slice = records.slice(start, start + perRequest);
    const request = otlpRequest(slice, timeUnixNano);
    const body = encoding === 'json' ? Buffer.from(JSON.stringify(request)) : type.encode(type.fromObject(request)).finish();
    requests.push({ body, records: slice.length });
  }
  return requests;
}

const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
const MAX_ATTEMPTS = 100;

async function post(url: string, body: Uint8Array, contentType: string): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } });
    await response.arrayBuffer();
    if (response.status === 200) return;
    if (response.status !== 429 && response.status !== 503) throw new Error(`the gateway answered ${response.status}`);
    const seconds = Number(response.headers.get('retry-after') ?? 1);
    await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) ? seconds : 1) * 1000));
  }
  throw new Error(`the gateway refused a request ${MAX_ATTEMPTS} times`);
}

/** POSTs every request once, `inFlight` at a time; resolves when all are answered 200. */
export async function sendRequests(
  url: string,
  requests: readonly EncodedRequest[],
  encoding: OtlpEncoding,
  inFlight: number,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++] as EncodedRequest;
      await post(url, request.body, CONTENT_TYPES[encoding]);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** CPU time (user + system) of process `pid`, µs, from /proc/<pid>/stat. */
export function processCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime (fields 14 and 15 of the whole line) in clock ticks, 100 per second on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** Peak RSS of process `pid`, MiB, from VmHWM in /proc/<pid>/status. */
export function processPeakRssMiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}
