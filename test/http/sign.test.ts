import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sign, verifySignature } from '../../src/http/sign.ts';

// RFC 4231 test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
const RFC4231_HEX = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
const RFC4231_BASE64 = Buffer.from(RFC4231_HEX, 'hex').toString('base64');

describe('X-Signature', () => {
  it('is standard base64 of HMAC-SHA256 keyed with the UTF-8 key', () => {
    assert.equal(sign('what do ya want for nothing?', 'Jefe'), RFC4231_BASE64);
    assert.equal(RFC4231_BASE64, 'W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=');
  });

  it('signs bytes and the equal string alike', () => {
    const body = '{"events":[{"type":"auth.success","data":{"accountName":"jäne"}}]}';
    assert.equal(sign(Buffer.from(body, 'utf8'), 'k'), sign(body, 'k'));
  });

  it('uses the key text as the key, not its base64 decoding', () => {
    assert.notEqual(sign('x', 'bXkta2V5'), sign('x', 'my-key'));
  });
});

describe('verifySignature', () => {
  const body = Buffer.from('{"events":[]}');
  const good = sign(body, 'secret');

  it('accepts the signature of the exact bytes', () => {
    assert.equal(verifySignature(body, good, 'secret'), true);
    assert.equal(verifySignature('what do ya want for nothing?', RFC4231_BASE64, 'Jefe'), true);
  });

  it('rejects a different key', () => {
    assert.equal(verifySignature(body, good, 'Secret'), false);
  });

  it('rejects a body changed by one byte', () => {
    assert.equal(verifySignature(Buffer.from('{"events":[ ]}'), good, 'secret'), false);
  });

  it('rejects malformed and truncated signatures without throwing', () => {
    for (const bad of ['', 'not base64 !!', good.slice(0, -2), `${good}AA`, good.toLowerCase()]) {
      assert.equal(verifySignature(body, bad, 'secret'), false, bad);
    }
    assert.equal(verifySignature(body, undefined as unknown as string, 'secret'), false);
  });
});
