import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, it, type TestContext } from 'node:test';
import type { ResolvedWebhookOptions } from '../../src/config/options.ts';
import { createTransport, type WebhookTransport } from '../../src/http/transport.ts';
import { VERSION } from '../../src/http/version.ts';
import { type Receiver, type ReceiverOptions, startReceiver } from '../helpers/receiver.ts';
import { resolvedOptions } from '../helpers/resolved.ts';

const BODY = new TextEncoder().encode('{"events":[{"id":"1","type":"auth.success","data":{"accountName":"Zoë ✓"}}]}');

async function setUp(
  t: TestContext,
  receiverOptions: ReceiverOptions = {},
  overrides: Partial<ResolvedWebhookOptions> = {},
  urlSuffix = '',
): Promise<{ receiver: Receiver; transport: WebhookTransport }> {
  const receiver = await startReceiver(receiverOptions);
  const transport = createTransport(resolvedOptions(receiver.url + urlSuffix, overrides));
  t.after(async () => {
    await transport.destroy();
    await receiver.close();
  });
  return { receiver, transport };
}

/** A port on 127.0.0.1 where nothing listens any more. */
async function closedPort(): Promise<number> {
  const receiver = await startReceiver();
  await receiver.close();
  return receiver.port;
}

/** A bare node:http server on 127.0.0.1, port 0, reading each request's body before `handle` answers. */
async function rawServer(
  t: TestContext,
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = createServer((request, response) => {
    count++;
    request.resume();
    request.on('end', () => handle(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, requests: () => count };
}

describe('transport', () => {
  it('the exact body bytes arrive in a POST to the configured path', async (t) => {
    const { receiver, transport } = await setUp(t);
    const result = await transport.send(BODY, undefined);
    assert.deepEqual(result, { status: 'success', statusCode: 200 });
    const [request] = await receiver.waitForRequests(1);
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/hook');
    assert.deepEqual(request?.body, Buffer.from(BODY));
  });

  it('the query string of the URL is kept in the request path', async (t) => {
    const { receiver, transport } = await setUp(t, {}, {}, '?tenant=blue&x=1');
    await transport.send(BODY, undefined);
    assert.equal(receiver.requests[0]?.path, '/hook?tenant=blue&x=1');
  });

  it('content type, length, signature, authorization, user agent and custom headers are sent', async (t) => {
    const { receiver, transport } = await setUp(
      t,
      {},
      {
        authorization: 'Bearer t0ken',
        authKind: 'bearer',
        headers: { 'X-Tenant': 'blue', 'X-Trace': 'a b c' },
      },
    );
    await transport.send(BODY, { 'x-signature': 'c2lnbmF0dXJl' });
    const headers = receiver.requests[0]?.headers;
    assert.equal(headers?.['content-type'], 'application/json');
    assert.equal(headers?.['content-length'], String(BODY.byteLength));
    assert.equal(headers?.['x-signature'], 'c2lnbmF0dXJl');
    assert.equal(headers?.['authorization'], 'Bearer t0ken');
    assert.equal(headers?.['user-agent'], `otel-webhook-exporter/${VERSION}`);
    assert.equal(headers?.['x-tenant'], 'blue');
    assert.equal(headers?.['x-trace'], 'a b c');
    const raw = receiver.requests[0]?.rawHeaders ?? [];
    const names = raw.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
    assert.equal(names.filter((name) => name === 'content-length').length, 1);
  });

  it('no X-Signature or Authorization header is sent when none is configured', async (t) => {
    const { receiver, transport } = await setUp(t);
    await transport.send(BODY, undefined);
    const headers = receiver.requests[0]?.headers;
    assert.equal(headers?.['x-signature'], undefined);
    assert.equal(headers?.['authorization'], undefined);
  });

  it('a configured User-Agent replaces the default one', async (t) => {
    const { receiver, transport } = await setUp(t, {}, { headers: { 'User-Agent': 'mail-ops/2' } });
    await transport.send(BODY, undefined);
    const raw = receiver.requests[0]?.rawHeaders ?? [];
    const agents = raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === 'user-agent');
    assert.deepEqual(agents, ['mail-ops/2']);
  });

  it('consecutive requests reuse one kept-alive connection, response bodies included', async (t) => {
    const { receiver, transport } = await setUp(t, { respond: () => ({ body: 'x'.repeat(10_000) }) });
    assert.equal((await transport.send(BODY, undefined)).status, 'success');
    assert.equal((await transport.send(BODY, undefined)).status, 'success');
    const [first, second] = receiver.requests;
    assert.equal(second?.remotePort, first?.remotePort);
  });

  it('a 204 or any other 2xx answer is a success', async (t) => {
    const { transport } = await setUp(t, { respond: () => ({ status: 204 }) });
    assert.deepEqual(await transport.send(BODY, undefined), { status: 'success', statusCode: 204 });
  });

  it('a 5xx answer is retryable with its status in the message', async (t) => {
    const { transport } = await setUp(t, { respond: () => ({ status: 500, body: 'boom' }) });
    assert.deepEqual(await transport.send(BODY, undefined), {
      status: 'retryable',
      statusCode: 500,
      retryAfterMillis: undefined,
      capped: false,
      message: 'HTTP 500 Internal Server Error',
    });
  });

  it('a 429 answer carries its Retry-After wait', async (t) => {
    const { transport } = await setUp(t, {
      respond: () => ({ status: 429, headers: { 'Retry-After': '3' } }),
    });
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status, 'retryable');
    assert.equal(result.status === 'retryable' && result.retryAfterMillis, 3_000);
    assert.equal(result.status === 'retryable' && result.capped, false);
  });

  it('a 4xx answer such as 401 is retried only at the capped interval', async (t) => {
    const { transport } = await setUp(t, { respond: () => ({ status: 401 }) });
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status === 'retryable' && result.capped, true);
    assert.equal(result.statusCode, 401);
  });

  it('a 410 answer is a final "gone" failure', async (t) => {
    const { transport } = await setUp(t, { respond: () => ({ status: 410 }) });
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status === 'failure' && result.reason, 'gone');
  });

  it('a 413 answer is a "too-large" failure', async (t) => {
    const { transport } = await setUp(t, { respond: () => ({ status: 413 }) });
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status === 'failure' && result.reason, 'too-large');
  });

  it('a redirect is not followed: the other URL receives nothing', async (t) => {
    const { receiver, transport } = await setUp(t, {
      respond: (request) => (request.path === '/hook' ? { status: 302, headers: { Location: '/elsewhere' } } : {}),
    });
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status, 'retryable');
    assert.equal(result.status === 'retryable' && result.capped, true);
    assert.equal(result.statusCode, 302);
    assert.deepEqual(
      receiver.requests.map((request) => request.path),
      ['/hook'],
    );
  });

  it('a receiver slower than the timeout gives a retryable timeout soon after it', async (t) => {
    const { transport } = await setUp(
      t,
      { respond: () => ({ delayMillis: 5_000 }) },
      {
        timeoutMillis: 200,
      },
    );
    const started = performance.now();
    const result = await transport.send(BODY, undefined);
    const elapsed = performance.now() - started;
    assert.deepEqual(result, {
      status: 'retryable',
      statusCode: undefined,
      retryAfterMillis: undefined,
      capped: false,
      message: 'timed out after 200 ms',
    });
    assert.ok(elapsed >= 190 && elapsed < 2_000, `took ${elapsed} ms`);
  });

  it('an answer with a body larger than is read counts by its status, and the next request still goes out', async (t) => {
    const server = await rawServer(t, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(Buffer.alloc(1024 * 1024, 0x61));
    });
    const transport = createTransport(resolvedOptions(server.url));
    t.after(() => transport.destroy());
    assert.equal((await transport.send(BODY, undefined)).status, 'success');
    assert.equal((await transport.send(BODY, undefined)).status, 'success');
    assert.equal(server.requests(), 2);
  });

  it('an answer whose body stalls past the timeout counts by its status', async (t) => {
    const server = await rawServer(t, (_request, response) => {
      response.writeHead(503, { 'retry-after': '7' });
      response.write('partial');
      // The rest never comes.
    });
    const transport = createTransport(resolvedOptions(server.url, { timeoutMillis: 300 }));
    t.after(() => transport.destroy());
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status, 'retryable');
    assert.equal(result.statusCode, 503);
    assert.equal(result.retryAfterMillis, 7_000);
  });

  it('a connection reset without an answer is retryable', async (t) => {
    const { transport } = await setUp(t, { respond: () => ({ destroy: true }) });
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status, 'retryable');
    assert.equal(result.statusCode, undefined);
    assert.ok(result.status === 'retryable' && result.message.length > 0);
  });

  it('a refused connection is retryable and says so', async (t) => {
    const port = await closedPort();
    const transport = createTransport(resolvedOptions(`http://127.0.0.1:${port}/hook`));
    t.after(() => transport.destroy());
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status, 'retryable');
    assert.equal(result.status === 'retryable' && result.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('a network error message never shows URL credentials', async (t) => {
    const port = await closedPort();
    const transport = createTransport(resolvedOptions(`http://hook-user:hook-pass@127.0.0.1:${port}/hook`));
    t.after(() => transport.destroy());
    const result = await transport.send(BODY, undefined);
    assert.ok(result.status === 'retryable');
    assert.doesNotMatch(result.message, /hook-user|hook-pass/);
  });

  it('a short user name in the URL leaves the words of a network error intact', async (t) => {
    const port = await closedPort();
    const transport = createTransport(resolvedOptions(`http://c:hook-pass@127.0.0.1:${port}/hook`));
    t.after(() => transport.destroy());
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status === 'retryable' && result.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('HTTPS to a self-signed certificate fails with a certificate error by default', async (t) => {
    const { receiver, transport } = await setUp(t, { tls: true });
    const result = await transport.send(BODY, undefined);
    assert.equal(result.status, 'retryable');
    assert.equal(result.status === 'retryable' && result.message, 'certificate: self-signed certificate');
    assert.equal(receiver.requests.length, 0);
  });

  it('HTTPS to a self-signed certificate succeeds with allowInvalidCerts', async (t) => {
    const { receiver, transport } = await setUp(t, { tls: true }, { allowInvalidCerts: true });
    assert.deepEqual(await transport.send(BODY, { 'x-signature': 'sig' }), { status: 'success', statusCode: 200 });
    assert.deepEqual(receiver.requests[0]?.body, Buffer.from(BODY));
  });

  it('HTTPS succeeds when the certificate is trusted through ca', async (t) => {
    const receiver = await startReceiver({ tls: true });
    const transport = createTransport(resolvedOptions(receiver.url, { ca: [receiver.ca] }));
    t.after(async () => {
      await transport.destroy();
      await receiver.close();
    });
    assert.deepEqual(await transport.send(BODY, undefined), { status: 'success', statusCode: 200 });
  });

  it('close() waits for the request in flight, then later sends report a closed transport', async (t) => {
    const { receiver, transport } = await setUp(t, { respond: () => ({ delayMillis: 300 }) });
    const order: string[] = [];
    const sending = transport.send(BODY, undefined).then((result) => {
      order.push('sent');
      return result;
    });
    await receiver.waitForRequests(1);
    await transport.close();
    order.push('closed');
    assert.deepEqual(await sending, { status: 'success', statusCode: 200 });
    assert.deepEqual(order, ['sent', 'closed']);
    const after = await transport.send(BODY, undefined);
    assert.equal(after.status === 'retryable' && after.message, 'transport closed');
    assert.equal(receiver.requests.length, 1);
  });

  it('destroy() aborts the request in flight at once', async (t) => {
    const { receiver, transport } = await setUp(t, { respond: () => ({ delayMillis: 10_000 }) });
    const sending = transport.send(BODY, undefined);
    await receiver.waitForRequests(1);
    const started = performance.now();
    await transport.destroy();
    const result = await sending;
    assert.ok(performance.now() - started < 1_000);
    assert.equal(result.status === 'retryable' && result.message, 'transport closed');
  });
});
