// Who may send to the gateway: a bearer token, or a client certificate (mTLS).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TEST_CERT, TEST_KEY } from '../helpers/certs.ts';
import { get, JSON_TYPE, jsonRecord, jsonRequest, post, startTestGateway } from '../helpers/otlp.ts';

const tls = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'tls', name), 'utf8');
const BODY = JSON.stringify(jsonRequest([jsonRecord('auth.success')]));

describe('inbound authentication', () => {
  it('requires the bearer token on /v1/logs, but not on the health checks', async () => {
    const t = await startTestGateway([{}], { token: 'gateway-token' });
    try {
      const missing = await post(t.logsUrl, BODY, { 'content-type': JSON_TYPE });
      assert.equal(missing.status, 401);
      assert.equal(missing.headers['www-authenticate'], 'Bearer realm="otel-webhooks"');
      assert.equal((await post(t.logsUrl, BODY, { 'content-type': JSON_TYPE, authorization: 'Bearer gateway-tokeN' })).status, 401);
      assert.equal((await post(t.logsUrl, BODY, { 'content-type': JSON_TYPE, authorization: 'Basic Z2F0ZXdheS10b2tlbg==' })).status, 401);
      assert.equal(t.processors[0]?.stats().accepted, 0, 'nothing taken without the token');
      assert.equal((await post(t.logsUrl, BODY, { 'content-type': JSON_TYPE, authorization: 'Bearer gateway-token' })).status, 200);
      assert.equal((await get(`${t.gateway.url}/readyz`)).status, 200);
    } finally {
      await t.close();
    }
  });

  it('with a client CA, serves only clients presenting a certificate it signed', async () => {
    const t = await startTestGateway([{}], { tls: { cert: TEST_CERT, key: TEST_KEY, clientCa: tls('ca.pem') } });
    try {
      assert.match(t.gateway.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const signed = await tlsPost(t.logsUrl, { cert: tls('client-cert.pem'), key: tls('client-key.pem') });
      assert.equal(signed, 200);
      assert.match(String(await tlsPost(t.logsUrl, {}).catch((error: Error) => error.message)), /certificate|handshake|socket|reset/i);
      const foreign = await tlsPost(t.logsUrl, { cert: TEST_CERT, key: TEST_KEY }).catch((error: Error) => error.message);
      assert.match(String(foreign), /certificate|handshake|socket|reset|unknown ca/i);
      assert.equal(t.processors[0]?.stats().accepted, 1, 'only the signed client got in');
    } finally {
      await t.close();
    }
  });
});

/** POSTs BODY over HTTPS, trusting the test server certificate; resolves with the status. */
function tlsPost(url: string, client: { cert?: string; key?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(url),
      { method: 'POST', ca: TEST_CERT, ...client, headers: { 'content-type': JSON_TYPE, 'content-length': String(BODY.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(BODY);
  });
}
