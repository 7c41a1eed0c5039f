import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import type { WebhookTlsOptions } from '../../src/config/tls-option-types.ts';
import { createTransport } from '../../src/http/transport.ts';
import { CLIENT_CERT, CLIENT_KEY, SERVER_CERT, SERVER_KEY, TEST_CA, tlsFixture } from '../helpers/certs.ts';
import { startProxy, type TestProxy } from '../helpers/proxy.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';

const BODY = new TextEncoder().encode('{"events":[]}');

/** Files of the test CA's client certificate, as a configuration names them. */
const CLIENT_FILES: WebhookTlsOptions = {
  caFile: tlsFixture('ca.pem'),
  certFile: tlsFixture('client-cert.pem'),
  keyFile: tlsFixture('client-key.pem'),
};

/** An HTTPS receiver on 127.0.0.2 that requires a client certificate of the test CA. */
async function mutualTlsReceiver(t: TestContext, maxVersion?: 'TLSv1.2'): Promise<Receiver> {
  const receiver = await startReceiver({
    host: '127.0.0.2',
    https: {
      key: SERVER_KEY,
      cert: SERVER_CERT,
      ca: TEST_CA,
      requestCert: true,
      rejectUnauthorized: true,
      ...(maxVersion === undefined ? {} : { maxVersion }),
    },
  });
  t.after(() => receiver.close());
  return receiver;
}

async function send(t: TestContext, url: string, tls: WebhookTlsOptions, proxy?: TestProxy) {
  const options = resolveWebhookOptions({ id: 'mtls', url, events: ['*'], tls, ...(proxy === undefined ? {} : { proxy: proxy.url }) });
  const transport = createTransport(options);
  t.after(() => transport.destroy());
  return transport.send(BODY);
}

describe('client cert', () => {
  it('a receiver that requires a client certificate gets it from cert-file and key-file', async (t) => {
    const receiver = await mutualTlsReceiver(t);
    assert.deepEqual(await send(t, receiver.url, CLIENT_FILES), { status: 'success', statusCode: 200 });
    assert.equal(receiver.requests[0]?.clientCertificate, 'otel-webhook-client');
  });

  it('the client certificate given as PEM text works alike', async (t) => {
    const receiver = await mutualTlsReceiver(t);
    assert.deepEqual(await send(t, receiver.url, { ca: TEST_CA, cert: CLIENT_CERT, key: CLIENT_KEY }), {
      status: 'success',
      statusCode: 200,
    });
    assert.equal(receiver.requests[0]?.clientCertificate, 'otel-webhook-client');
  });

  it('without a client certificate the receiver refuses the connection', async (t) => {
    const receiver = await mutualTlsReceiver(t);
    const result = await send(t, receiver.url, { caFile: tlsFixture('ca.pem') });
    assert.equal(result.status, 'retryable');
    assert.equal(receiver.requests.length, 0);
  });

  it('the client certificate is presented to the endpoint through a proxy tunnel', async (t) => {
    const receiver = await mutualTlsReceiver(t);
    const proxy = await startProxy();
    t.after(() => proxy.close());
    assert.deepEqual(await send(t, receiver.url, CLIENT_FILES, proxy), { status: 'success', statusCode: 200 });
    assert.deepEqual(proxy.passed, [{ kind: 'tunnel', target: `127.0.0.2:${receiver.port}` }]);
    assert.equal(receiver.requests[0]?.clientCertificate, 'otel-webhook-client');
  });

  it('server-name is sent as SNI and checked against the certificate instead of the host', async (t) => {
    const receiver = await mutualTlsReceiver(t);
    assert.equal((await send(t, receiver.url, { ...CLIENT_FILES, serverName: 'hooks.test' })).status, 'success');
    assert.equal(receiver.requests[0]?.serverName, 'hooks.test');
    const wrong = await send(t, receiver.url, { ...CLIENT_FILES, serverName: 'other.test' });
    assert.ok(wrong.status === 'retryable');
    assert.match(wrong.message, /^certificate: .*other\.test/);
    assert.equal(receiver.requests.length, 1);
  });

  it('server-name applies through a proxy tunnel too', async (t) => {
    const receiver = await mutualTlsReceiver(t);
    const proxy = await startProxy();
    t.after(() => proxy.close());
    assert.equal((await send(t, receiver.url, { ...CLIENT_FILES, serverName: 'hooks.test' }, proxy)).status, 'success');
    assert.equal(receiver.requests[0]?.serverName, 'hooks.test');
    assert.equal(proxy.passed.length, 1);
  });

  it('min-version TLSv1.3 refuses a server that offers at most TLS 1.2', async (t) => {
    const receiver = await mutualTlsReceiver(t, 'TLSv1.2');
    assert.equal((await send(t, receiver.url, CLIENT_FILES)).status, 'success');
    const result = await send(t, receiver.url, { ...CLIENT_FILES, minVersion: 'TLSv1.3' });
    assert.ok(result.status === 'retryable');
    assert.equal(result.message, 'tls: tlsv1 alert protocol version');
    assert.equal(receiver.requests.length, 1);
  });
});
