import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { configError, fixtureText } from '../helpers/config-files.ts';

describe('parseWebhookConfig: documented examples', () => {
  it('the older seed example (with the commas its events list lacks) gives every value', () => {
    assert.deepEqual(parseWebhookConfig(fixtureText('seed-older.toml')), [
      {
        id: 'my-webhook',
        url: 'https://example.com/webhook',
        events: [
          'auth.success',
          'auth.failure',
          'auth.banned',
          'auth.error',
          'message.accepted',
          'message.rejected',
          'message.appended',
          'account.over-quota',
          'dsn',
          'double-bounce',
          'report.incoming.dmarc',
          'report.incoming.tls',
          'report.incoming.arf',
          'report.outgoing',
        ],
        timeoutMillis: 30_000,
        throttleMillis: 1_000,
        signatureKey: 'my-secret-key',
        headers: ['X-My-Header: my-value'],
        allowInvalidCerts: false,
        auth: { username: 'account', secret: 'password' },
      },
    ]);
  });

  it('the older seed example as printed is a TOML error at its first missing comma', () => {
    const error = configError(() => parseWebhookConfig(fixtureText('seed-older-verbatim.toml')));
    assert.equal(error.code, 'ERR_WEBHOOK_TOML');
    assert.equal(error.line, 4);
    assert.match(error.message, /^invalid TOML: .+ \(line 4, column 1\)$/);
  });

  it('the newer seed example gives every value (event names are checked elsewhere)', () => {
    assert.deepEqual(parseWebhookConfig(fixtureText('seed-newer.toml')), [
      {
        id: 'my-webhook',
        url: 'https://example.com/webhook',
        events: ['auth.success', 'store.ingest'],
        timeoutMillis: 30_000,
        throttleMillis: 1_000,
        signatureKey: 'my-secret-key',
        headers: ['X-My-Header: my-value'],
        allowInvalidCerts: false,
        auth: { username: 'account', secret: 'password' },
      },
    ]);
  });
});
