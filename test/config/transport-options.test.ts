import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebhookOptions } from '../../src/config/options.ts';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { redactOptions } from '../../src/config/redacted-options.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { CLIENT_CERT, CLIENT_KEY, SERVER_KEY, TEST_CA, tlsFixture } from '../helpers/certs.ts';
import { base, configError, webhookToml } from '../helpers/config-files.ts';

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const WHSEC_2 = 'whsec_dGhlLXNlY29uZC1rZXktb2YtdHdlbnR5LWZvdXI=';

describe('signature-scheme and signature-key', () => {
  it('TOML: a list of whsec_ secrets with standard-webhooks', () => {
    const [options] = parseWebhookConfig(
      webhookToml('signature-scheme = "standard-webhooks"', `signature-key = ["${WHSEC}", "${WHSEC_2}"]`),
    );
    assert.deepEqual([options?.signatureScheme, options?.signatureKey], ['standard-webhooks', [WHSEC, WHSEC_2]]);
    const resolved = resolveWebhookOptions(options as WebhookOptions);
    assert.deepEqual(redactOptions(resolved).signatureKey, ['***', '***']);
  });

  it('the scheme defaults to stalwart', () => {
    assert.equal(resolveWebhookOptions({ ...base, signatureKey: 'k' }).signatureScheme, 'stalwart');
  });

  it('a key that is not whsec_ is an error naming the key, never its value', () => {
    const error = configError(() =>
      parseWebhookConfig(webhookToml('signature-scheme = "standard-webhooks"', 'signature-key = "plain-S3CRET"')),
    );
    assert.equal(error.message, 'webhook."ops".signature-key must start with "whsec_" (line 5)');
    assert.equal(error.key, 'webhook."ops".signature-key');
  });

  it('invalid base64 after whsec_ is an error naming the key and the list position', () => {
    const error = configError(() =>
      resolveWebhookOptions({ ...base, signatureScheme: 'standard-webhooks', signatureKey: [WHSEC, 'whsec_n0t*base64'] }),
    );
    assert.equal(error.message, 'signatureKey at index 1 must be valid, non-empty base64 after "whsec_" (webhook "ops")');
    assert.ok(!error.message.includes('n0t'));
  });

  it('a list of keys needs standard-webhooks', () => {
    const error = configError(() => parseWebhookConfig(webhookToml('signature-key = ["a", "b"]')));
    assert.equal(
      error.message,
      'webhook."ops".signature-key may be a list only with webhook."ops".signature-scheme = "standard-webhooks" (line 4)',
    );
  });

  it('standard-webhooks without a key is an error', () => {
    const error = configError(() => resolveWebhookOptions({ ...base, signatureScheme: 'standard-webhooks' }));
    assert.equal(error.code, 'ERR_WEBHOOK_MISSING_KEY');
    assert.equal(error.key, 'signatureKey');
  });

  it('an unknown scheme is an error naming it', () => {
    const error = configError(() => parseWebhookConfig(webhookToml('signature-scheme = "svix"')));
    assert.equal(error.message, 'webhook."ops".signature-scheme must be "stalwart" or "standard-webhooks", got "svix" (line 4)');
  });

  it('the Standard Webhooks and proxy headers cannot be configured', () => {
    for (const name of ['webhook-id', 'Webhook-Signature', 'webhook-timestamp', 'Proxy-Authorization']) {
      assert.equal(configError(() => resolveWebhookOptions({ ...base, headers: [`${name}: x`] })).code, 'ERR_WEBHOOK_RESERVED_HEADER');
    }
  });
});

describe('proxy', () => {
  it('TOML: an http: proxy URL with credentials', () => {
    const [options] = parseWebhookConfig(webhookToml('proxy = "http://user:p4ss@proxy.example:3128"'));
    const resolved = resolveWebhookOptions(options as WebhookOptions);
    assert.equal(resolved.proxy?.host, 'proxy.example:3128');
    assert.equal(redactOptions(resolved).proxy?.href, 'http://***@proxy.example:3128/');
  });

  it('a proxy that is not an http: or https: URL is an error showing it without credentials', () => {
    const error = configError(() => parseWebhookConfig(webhookToml('proxy = "socks5://user:p4ss@proxy.example:1080"')));
    assert.equal(
      error.message,
      'webhook."ops".proxy must be an http: or https: URL like "http://user:pass@proxy.example:3128", got "socks5://***@proxy.example:1080" (line 4)',
    );
  });

  it('a proxy URL with a path is an error', () => {
    assert.equal(
      configError(() => resolveWebhookOptions({ ...base, proxy: 'http://proxy.example:3128/hook' })).code,
      'ERR_WEBHOOK_INVALID_URL',
    );
  });
});

describe('[webhook."<id>".tls]', () => {
  it('TOML: files are read when the options are resolved', () => {
    const [options] = parseWebhookConfig(
      webhookToml(
        '[webhook."ops".tls]',
        `ca-file = ${JSON.stringify(tlsFixture('ca.pem'))}`,
        `cert-file = ${JSON.stringify(tlsFixture('client-cert.pem'))}`,
        `key-file = ${JSON.stringify(tlsFixture('client-key.pem'))}`,
        'server-name = "hooks.test"',
        'min-version = "TLSv1.2"',
      ),
    );
    assert.deepEqual(options?.tls, {
      caFile: tlsFixture('ca.pem'),
      certFile: tlsFixture('client-cert.pem'),
      keyFile: tlsFixture('client-key.pem'),
      serverName: 'hooks.test',
      minVersion: 'TLSv1.2',
    });
    const tls = resolveWebhookOptions(options as WebhookOptions).tls;
    assert.deepEqual(tls?.ca, [TEST_CA]);
    assert.equal(tls?.cert, CLIENT_CERT);
    assert.equal(tls?.key, CLIENT_KEY);
  });

  it('the private key is *** in the options view; certificates and paths are shown', () => {
    const view = redactOptions(resolveWebhookOptions({ ...base, tls: { cert: CLIENT_CERT, keyFile: tlsFixture('client-key.pem') } }));
    assert.equal(view.tls?.key, '***');
    assert.equal(view.tls?.cert, CLIENT_CERT);
    assert.equal(view.tls?.keyFile, tlsFixture('client-key.pem'));
    assert.ok(!JSON.stringify(view).includes(CLIENT_KEY.split('\n')[1] as string));
  });

  it('an unreadable file is an error naming the key and the path', () => {
    const error = configError(() =>
      parseWebhookConfig(webhookToml('[webhook."ops".tls]', 'cert-file = "missing/client.pem"', 'key = "x"')),
    );
    assert.equal(error.message, 'webhook."ops".tls.cert-file: cannot read "missing/client.pem" (no such file) (line 5)');
    assert.equal(error.key, 'webhook."ops".tls.cert-file');
  });

  it('a private key that does not belong to the certificate is an error naming the key, showing no PEM', () => {
    const error = configError(() => resolveWebhookOptions({ ...base, tls: { cert: CLIENT_CERT, key: SERVER_KEY } }));
    assert.match(error.message, /^tls\.key does not belong to the certificate \(key values mismatch\) \(webhook "ops"\)$/);
    assert.ok(!error.message.includes('BEGIN'));
  });

  it('a key that is not PEM is an error that does not show it', () => {
    const error = configError(() => resolveWebhookOptions({ ...base, tls: { cert: CLIENT_CERT, key: 'S3CRET-not-a-key' } }));
    assert.equal(error.key, 'tls.key');
    assert.ok(!error.message.includes('S3CRET'));
  });

  it('a certificate without a key, and a key without a certificate, are errors', () => {
    assert.equal(configError(() => resolveWebhookOptions({ ...base, tls: { cert: CLIENT_CERT } })).key, 'tls.key');
    const error = configError(() =>
      parseWebhookConfig(webhookToml('[webhook."ops".tls]', `key-file = ${JSON.stringify(tlsFixture('client-key.pem'))}`)),
    );
    assert.equal(
      error.message,
      'webhook."ops".tls.cert: missing, webhook."ops".tls.key-file needs the certificate (webhook."ops".tls.cert or webhook."ops".tls.cert-file) (line 4)',
    );
  });

  it('a file and the PEM text of the same thing cannot both be given', () => {
    const error = configError(() => resolveWebhookOptions({ ...base, tls: { ca: TEST_CA, caFile: tlsFixture('ca.pem') } }));
    assert.equal(error.message, 'tls.ca cannot be combined with tls.caFile (webhook "ops")');
  });

  it('a CA that holds no certificate is an error', () => {
    assert.equal(configError(() => resolveWebhookOptions({ ...base, tls: { caFile: tlsFixture('client-key.pem') } })).key, 'tls.caFile');
  });

  it('an unknown TLS key is an error with the closest one', () => {
    const error = configError(() => parseWebhookConfig(webhookToml('[webhook."ops".tls]', 'ca-fil = "x"')));
    assert.equal(error.message, 'webhook."ops".tls.ca-fil: unknown key, did you mean "ca-file"? (line 5)');
    assert.equal(configError(() => resolveWebhookOptions({ ...base, tls: { cafile: 'x' } as never })).key, 'tls.cafile');
  });

  it('min-version must be TLSv1.2 or TLSv1.3', () => {
    const error = configError(() => parseWebhookConfig(webhookToml('[webhook."ops".tls]', 'min-version = "TLSv1.1"')));
    assert.equal(error.message, 'webhook."ops".tls.min-version must be "TLSv1.2" or "TLSv1.3", got "TLSv1.1" (line 5)');
  });
});
