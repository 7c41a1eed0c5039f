// Requests that are not OTLP logs: each answered as OTLP/HTTP says (the Status in the
// request's encoding), and none of them reaches a webhook.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  get,
  gzip,
  JSON_TYPE,
  jsonRecord,
  jsonRequest,
  PROTOBUF,
  post,
  protobufBody,
  protobufStatus,
  startTestGateway,
  type TestGateway,
} from '../helpers/otlp.ts';

const LIMIT = 64 * 1024;

describe('the gateway, given a body that is not an OTLP logs request', () => {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway([{}], { maxBodyBytes: LIMIT });
  });
  after(() => t.close());

  const assertNothingSent = (): void => {
    assert.equal(t.processors[0]?.stats().accepted, 0, 'no record reached the webhook');
  };

  it('answers 400 with a JSON Status naming the field for a JSON body of the wrong shape', async () => {
    const body = JSON.stringify(jsonRequest([{ ...jsonRecord('auth.success'), attributes: { key: 'not a list' } }]));
    const answer = await post(t.logsUrl, body, { 'content-type': JSON_TYPE });
    assert.equal(answer.status, 400);
    assert.match(String(answer.headers['content-type']), /^application\/json/);
    const status = JSON.parse(answer.body.toString()) as { code: number; message: string };
    assert.equal(status.code, 3);
    assert.match(status.message, /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.attributes: expected an array/);
    assertNothingSent();
  });

  it('answers 400 for a body that is not JSON at all', async () => {
    const answer = await post(t.logsUrl, '{"resourceLogs": [', { 'content-type': JSON_TYPE });
    assert.equal(answer.status, 400);
    assert.match((JSON.parse(answer.body.toString()) as { message: string }).message, /^the body is not JSON/);
  });

  it('answers 400 for an enum given by name, which OTLP/JSON forbids', async () => {
    const record = { ...jsonRecord('auth.success'), severityNumber: 'SEVERITY_NUMBER_INFO' };
    const answer = await post(t.logsUrl, JSON.stringify(jsonRequest([record])), { 'content-type': JSON_TYPE });
    assert.equal(answer.status, 400);
    assert.match(answer.body.toString(), /severityNumber: OTLP\/JSON enums are integers/);
  });

  it('answers 400 for a trace id of the wrong length', async () => {
    const record = { ...jsonRecord('auth.success'), traceId: 'abcd' };
    const answer = await post(t.logsUrl, JSON.stringify(jsonRequest([record])), { 'content-type': JSON_TYPE });
    assert.equal(answer.status, 400);
    assert.match(answer.body.toString(), /traceId: must be 16 bytes/);
  });

  it('answers 400 with a protobuf Status for bytes that are not protobuf', async () => {
    const answer = await post(t.logsUrl, Buffer.from('this is not protobuf at all'), { 'content-type': PROTOBUF });
    assert.equal(answer.status, 400);
    assert.equal(answer.headers['content-type'], PROTOBUF);
    const status = protobufStatus(answer.body);
    assert.equal(status.code, 3);
    assert.match(status.message ?? '', /^the body is not an OTLP ExportLogsServiceRequest in protobuf/);
    assertNothingSent();
  });

  it('answers 400 for a truncated protobuf body', async () => {
    const whole = protobufBody({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ eventName: 'auth.success', timeUnixNano: 1 }] }] }] });
    const answer = await post(t.logsUrl, whole.subarray(0, whole.length - 4), { 'content-type': PROTOBUF });
    assert.equal(answer.status, 400);
    assert.match(protobufStatus(answer.body).message ?? '', /index out of range|invalid/);
    assertNothingSent();
  });

  it('answers 400 for a protobuf span id of the wrong length', async () => {
    const body = protobufBody({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ eventName: 'auth.success', spanId: Buffer.alloc(3) }] }] }],
    });
    const answer = await post(t.logsUrl, body, { 'content-type': PROTOBUF });
    assert.equal(answer.status, 400);
    assert.match(protobufStatus(answer.body).message ?? '', /logRecords\[0\]\.spanId: must be 8 bytes/);
  });

  it('answers 400 for values nested without end instead of running out of stack', async () => {
    const deep = await startTestGateway([{}], { maxBodyBytes: 2 * 1024 * 1024 });
    try {
      const answer = await post(deep.logsUrl, nestedBody(200_000), { 'content-type': PROTOBUF });
      assert.equal(answer.status, 400);
      assert.match(protobufStatus(answer.body).message ?? '', /max depth exceeded|values nested too deeply/);
      assert.equal((await get(`${deep.gateway.url}/healthz`)).status, 200, 'still answering');
    } finally {
      await deep.close();
    }
  });

  it('answers 400 for a gzip body that does not decompress', async () => {
    const broken = gzip(JSON.stringify(jsonRequest([jsonRecord('auth.success')]))).subarray(0, 20);
    const answer = await post(t.logsUrl, broken, { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' });
    assert.equal(answer.status, 400);
    assert.match(answer.body.toString(), /gzip body could not be decompressed/);
    assertNothingSent();
  });

  it('answers 413 for a body over the limit, before reading it', async () => {
    const answer = await post(t.logsUrl, Buffer.alloc(LIMIT + 1), { 'content-type': PROTOBUF });
    assert.equal(answer.status, 413);
    assert.match(protobufStatus(answer.body).message ?? '', /over the limit of 65536/);
  });

  it('answers 413 for a chunked body that grows over the limit', async () => {
    const answer = await chunked(t.logsUrl, [Buffer.alloc(40_000), Buffer.alloc(40_000)]);
    assert.equal(answer.status, 413);
  });

  it('answers 413 for a gzip bomb, decompressing no more than the limit', async () => {
    // 100 MiB of zeros, about 100 KiB compressed.
    const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 });
    const limited = await startTestGateway([{}], { maxBodyBytes: 1024 * 1024 });
    try {
      const before = process.memoryUsage().rss;
      const answer = await post(limited.logsUrl, bomb, { 'content-type': PROTOBUF, 'content-encoding': 'gzip' });
      assert.equal(answer.status, 413);
      assert.match(protobufStatus(answer.body).message ?? '', /decompresses to more than the limit of 1048576 bytes/);
      assert.ok(process.memoryUsage().rss - before < 50 * 1024 * 1024, 'far less memory than the bomb unpacks to');
    } finally {
      await limited.close();
    }
  });

  it('answers 415 in plain text for another Content-Type', async () => {
    const answer = await post(t.logsUrl, 'hello', { 'content-type': 'text/plain' });
    assert.equal(answer.status, 415);
    assert.match(answer.body.toString(), /unsupported Content-Type "text\/plain": send application\/x-protobuf or application\/json/);
  });

  it('answers 415 for a Content-Encoding other than gzip', async () => {
    const answer = await post(t.logsUrl, '{}', { 'content-type': JSON_TYPE, 'content-encoding': 'br' });
    assert.equal(answer.status, 415);
    assert.match(answer.body.toString(), /unsupported Content-Encoding \\"br\\": send gzip or no encoding/);
  });

  it('answers 405 for another method and 404 for another path', async () => {
    const wrongMethod = await get(t.logsUrl);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.allow, 'POST');
    assert.equal((await post(`${t.gateway.url}/v1/traces`, '{}', { 'content-type': JSON_TYPE })).status, 404);
  });

  it('answers an empty request with full success', async () => {
    const json = await post(t.logsUrl, '{}', { 'content-type': JSON_TYPE });
    assert.deepEqual([json.status, json.body.toString()], [200, '{}']);
    const binary = await post(t.logsUrl, Buffer.alloc(0), { 'content-type': PROTOBUF });
    assert.deepEqual([binary.status, binary.body.length], [200, 0]);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

/**
 * A request whose one record's body is `levels` arrays, each holding the next:
 * AnyValue { array_value (5) = ArrayValue { values (1) = AnyValue { … } } }, written outside in.
 */
function nestedBody(levels: number): Buffer {
  // Sizes from the inside out: an empty AnyValue, then each ArrayValue and the AnyValue around it.
  const anyValueSizes = [0];
  const arraySizes: number[] = [];
  for (let k = 0; k < levels; k++) {
    const inner = anyValueSizes[k] as number;
    const array = 1 + varint(inner).length + inner;
    arraySizes.push(array);
    anyValueSizes.push(1 + varint(array).length + array);
  }
  const top = anyValueSizes[levels] as number;
  const bytes: number[] = [];
  for (let k = levels - 1; k >= 0; k--) bytes.push(0x2a, ...varint(arraySizes[k] as number), 0x0a, ...varint(anyValueSizes[k] as number));
  const wrap = (tag: number, inner: Buffer): Buffer => Buffer.concat([Buffer.from([tag, ...varint(inner.length)]), inner]);
  const record = wrap(0x2a, Buffer.from(bytes));
  assert.equal(record.length, 1 + varint(top).length + top);
  return wrap(0x0a, wrap(0x12, wrap(0x12, record)));
}

/** POSTs `chunks` without a Content-Length; resolves with the status, or 0 if the connection closed first. */
function chunked(url: string, chunks: Buffer[]): Promise<{ status: number }> {
  return new Promise((resolve) => {
    const req = httpRequest(
      new URL(url),
      { method: 'POST', headers: { 'content-type': PROTOBUF, 'transfer-encoding': 'chunked' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', () => resolve({ status: 0 }));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
