import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { WebhookOptions } from '../../src/config/options.ts';
import { redactOptions } from '../../src/config/redacted-options.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { createTransport, type WebhookTransport } from '../../src/http/transport.ts';
import { SERVER_CERT, SERVER_KEY, TEST_CA } from '../helpers/certs.ts';
import { PROXY_PASSWORD, PROXY_USER, startProxy, type TestProxy } from '../helpers/proxy.ts';
import { type Receiver, type ReceiverOptions, startReceiver } from '../helpers/receiver.ts';

const BODY = new TextEncoder().encode('{"events":[{"id":"1","type":"auth.success","data":{}}]}');

/** An HTTPS receiver on 127.0.0.2 with a certificate of the test CA. */
const HTTPS_RECEIVER: ReceiverOptions = { host: '127.0.0.2', https: { key: SERVER_KEY, cert: SERVER_CERT } };

async function setUp(
  t: TestContext,
  receiverOptions: ReceiverOptions,
  options: (receiver: Receiver, proxy: TestProxy) => Partial<WebhookOptions>,
): Promise<{ receiver: Receiver; proxy: TestProxy; transport: WebhookTransport }> {
  const receiver = await startReceiver(receiverOptions);
  const proxy = await startProxy();
  const resolved = resolveWebhookOptions({ id: 'proxied', url: receiver.url, events: ['*'], ...options(receiver, proxy) });
  const transport = createTransport(resolved);
  t.after(async () => {
    await transport.destroy();
    await Promise.all([receiver.close(), proxy.close()]);
  });
  return { receiver, proxy, transport };
}

describe('proxy', () => {
  it('an https: endpoint is reached through the proxy with a CONNECT tunnel, with proxy credentials', async (t) => {
    const { receiver, proxy, transport } = await setUp(t, HTTPS_RECEIVER, (_, p) => ({ proxy: p.url, tls: { ca: TEST_CA } }));
    assert.deepEqual(await transport.send(BODY), { status: 'success', statusCode: 200 });
    assert.deepEqual(proxy.passed, [{ kind: 'tunnel', target: `127.0.0.2:${receiver.port}` }]);
    assert.deepEqual(receiver.requests[0]?.body, Buffer.from(BODY));
    assert.equal(receiver.requests[0]?.headers['proxy-authorization'], undefined);
  });

  it('requests through the proxy share one kept-alive tunnel', async (t) => {
    const { receiver, proxy, transport } = await setUp(t, HTTPS_RECEIVER, (_, p) => ({ proxy: p.url, tls: { ca: TEST_CA } }));
    for (let i = 0; i < 3; i++) assert.equal((await transport.send(BODY)).status, 'success');
    assert.equal(receiver.requests.length, 3);
    assert.equal(proxy.passed.length, 1);
    assert.equal(new Set(receiver.requests.map((r) => r.remotePort)).size, 1);
  });

  it('an http: endpoint is forwarded by the proxy', async (t) => {
    const { receiver, proxy, transport } = await setUp(t, { host: '127.0.0.2' }, (_, p) => ({ proxy: p.url }));
    assert.deepEqual(await transport.send(BODY), { status: 'success', statusCode: 200 });
    assert.deepEqual(proxy.passed, [{ kind: 'forward', target: `127.0.0.2:${receiver.port}` }]);
    assert.equal(receiver.requests[0]?.path, '/hook');
    assert.equal(receiver.requests[0]?.headers['proxy-authorization'], undefined);
  });

  it('wrong proxy credentials: the attempt fails as a 407, retried only at the capped interval, with no credentials in the message', async (t) => {
    const wrong = 'wr0ng-P4SS-77a';
    const { receiver, proxy, transport } = await setUp(t, HTTPS_RECEIVER, (_, p) => ({
      proxy: p.bareUrl.replace('http://', `http://${PROXY_USER}:${wrong}@`),
      tls: { ca: TEST_CA },
    }));
    const result = await transport.send(BODY);
    assert.equal(result.status, 'retryable');
    assert.ok(result.status === 'retryable');
    assert.equal(result.message, 'proxy answered 407 (proxy authentication required)');
    assert.equal(result.capped, true);
    assert.ok(!result.message.includes(wrong));
    assert.equal(proxy.refused(), 1);
    assert.equal(receiver.requests.length, 0);
  });

  it('an unreachable proxy is a network error naming the proxy without its credentials', async (t) => {
    const proxy = await startProxy();
    await proxy.close();
    const receiver = await startReceiver(HTTPS_RECEIVER);
    const transport = createTransport(resolveWebhookOptions({ id: 'p', url: receiver.url, events: ['*'], proxy: proxy.url }));
    t.after(async () => {
      await transport.destroy();
      await receiver.close();
    });
    const result = await transport.send(BODY);
    assert.ok(result.status === 'retryable');
    assert.match(result.message, /^connect ECONNREFUSED 127\.0\.0\.1:\d+ \(through proxy http:\/\/\*\*\*@127\.0\.0\.1:\d+\/\)$/);
    assert.ok(!result.message.includes(PROXY_PASSWORD));
    assert.equal(receiver.requests.length, 0);
  });

  it('a redirect answered through the proxy is not followed', async (t) => {
    const { receiver, proxy, transport } = await setUp(
      t,
      { ...HTTPS_RECEIVER, respond: () => ({ status: 307, headers: { location: '/elsewhere' } }) },
      (_, p) => ({ proxy: p.url, tls: { ca: TEST_CA } }),
    );
    const result = await transport.send(BODY);
    assert.equal(result.status, 'retryable');
    assert.equal(receiver.requests.length, 1);
    assert.equal(proxy.passed.length, 1);
  });

  it('the options view shows the proxy without its credentials', () => {
    const resolved = resolveWebhookOptions({
      id: 'p',
      url: 'https://hooks.example/x',
      events: ['*'],
      proxy: `http://${PROXY_USER}:${PROXY_PASSWORD}@proxy.example:3128`,
    });
    assert.equal(resolved.proxy?.password, PROXY_PASSWORD);
    const view = redactOptions(resolved);
    assert.equal(view.proxy?.href, 'http://***@proxy.example:3128/');
    assert.ok(!JSON.stringify(view).includes(PROXY_PASSWORD));
  });
});
