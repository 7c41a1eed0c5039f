import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { sign, verifySignature } from '../../src/http/sign.ts';
import { createSigner } from '../../src/http/signer.ts';
import { decodeWebhookSecret, secretProblem } from '../../src/http/standard-webhooks.ts';

const secret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
const KEY_A = secret();
const KEY_B = secret();
const BODY = Buffer.from('{"events":[{"id":"17","createdAt":"2026-01-01T00:00:00Z","type":"auth.success","data":{"accountName":"jäne"}}]}');
const NOW = Date.now();

function standardSigner(keys: string | readonly string[]) {
  return createSigner({ signatureScheme: 'standard-webhooks', signatureKey: keys });
}

describe('Standard Webhooks signer, checked by the official standardwebhooks library', () => {
  it('sends webhook-id, webhook-timestamp in seconds and a v1 signature the library accepts', () => {
    const headers = standardSigner(KEY_A)(BODY, '17-1', NOW);
    assert.deepEqual(Object.keys(headers).sort(), ['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    assert.equal(headers['webhook-id'], '17-1');
    assert.equal(headers['webhook-timestamp'], String(Math.floor(NOW / 1000)));
    assert.match(headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(new Webhook(KEY_A).verify(BODY, headers), JSON.parse(BODY.toString('utf8')));
  });

  it('signs with every key of a list, so a receiver holding either key accepts it', () => {
    const headers = standardSigner([KEY_A, KEY_B])(BODY, '17-1', NOW);
    assert.equal(headers['webhook-signature']?.split(' ').length, 2);
    assert.doesNotThrow(() => new Webhook(KEY_A).verify(BODY, headers));
    assert.doesNotThrow(() => new Webhook(KEY_B).verify(BODY, headers));
    assert.throws(() => new Webhook(secret()).verify(BODY, headers), /No matching signature/);
  });

  it('a changed body or id is refused by the library', () => {
    const headers = standardSigner(KEY_A)(BODY, '17-1', NOW);
    assert.throws(() => new Webhook(KEY_A).verify(Buffer.from(BODY.toString().replace('jäne', 'jane')), headers));
    assert.throws(() => new Webhook(KEY_A).verify(BODY, { ...headers, 'webhook-id': '17-2' }));
  });

  it('the stalwart scheme sends X-Signature only, and no scheme headers without a key', () => {
    assert.deepEqual(createSigner({ signatureScheme: 'stalwart', signatureKey: 'k' })(BODY, '17-1', NOW), {
      'x-signature': sign(BODY, 'k'),
    });
    assert.deepEqual(createSigner({ signatureScheme: 'stalwart', signatureKey: undefined })(BODY, '17-1', NOW), {});
  });
});

describe('verifySignature in the Standard Webhooks mode', () => {
  const signed = (key: string, id: string, at: Date) => {
    const signature = new Webhook(key).sign(id, at, BODY);
    return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
  };

  it('accepts what the official library signs', () => {
    assert.equal(verifySignature(BODY, signed(KEY_A, 'msg_1', new Date()), { scheme: 'standard-webhooks', keys: KEY_A }), true);
  });

  it('accepts when any of several keys matches, and header names in any case', () => {
    const headers = signed(KEY_B, 'msg_1', new Date());
    const mixed = {
      'Webhook-Id': headers['webhook-id'],
      'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
      'Webhook-Signature': headers['webhook-signature'],
    };
    assert.equal(verifySignature(BODY, mixed, { scheme: 'standard-webhooks', keys: [KEY_A, KEY_B] }), true);
  });

  it('refuses another key, a changed body, a timestamp over five minutes off, and missing headers', () => {
    const headers = signed(KEY_A, 'msg_1', new Date());
    const options = { scheme: 'standard-webhooks', keys: [KEY_A] } as const;
    assert.equal(verifySignature(BODY, headers, { scheme: 'standard-webhooks', keys: [KEY_B] }), false);
    assert.equal(verifySignature(Buffer.concat([BODY, Buffer.from(' ')]), headers, options), false);
    assert.equal(verifySignature(BODY, signed(KEY_A, 'msg_1', new Date(Date.now() - 301_000)), options), false);
    assert.equal(verifySignature(BODY, signed(KEY_A, 'msg_1', new Date(Date.now() + 301_000)), options), false);
    assert.equal(verifySignature(BODY, { 'webhook-id': 'msg_1', 'webhook-signature': headers['webhook-signature'] }, options), false);
    assert.equal(verifySignature(BODY, { ...headers, 'webhook-timestamp': 'soon' }, options), false);
  });

  it('the headers form also checks X-Signature, and the three-argument form still works', () => {
    const headers = { 'x-signature': sign(BODY, 'key') };
    assert.equal(verifySignature(BODY, headers, { key: 'key' }), true);
    assert.equal(verifySignature(BODY, headers, { key: 'other' }), false);
    assert.equal(verifySignature(BODY, sign(BODY, 'key'), 'key'), true);
  });
});

describe('whsec_ secrets', () => {
  it('decode from standard base64 after the prefix, padded or not', () => {
    assert.deepEqual(decodeWebhookSecret('whsec_dGVzdC1rZXk='), Buffer.from('test-key'));
    assert.deepEqual(decodeWebhookSecret('whsec_dGVzdC1rZXk'), Buffer.from('test-key'));
  });

  it('name each problem without quoting the secret', () => {
    assert.equal(secretProblem('dGVzdC1rZXk='), 'must start with "whsec_"');
    assert.match(secretProblem('whsec_dGVz-C1_ZXk') ?? '', /standard base64/);
    assert.match(secretProblem('whsec_') ?? '', /non-empty base64/);
    assert.match(secretProblem('whsec_a') ?? '', /valid/);
    assert.match(secretProblem('whsec_dGVz dA==') ?? '', /valid/);
    assert.equal(secretProblem(KEY_A), undefined);
  });
});
