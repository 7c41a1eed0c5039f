import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from '../../src/config/redact.ts';

describe('redact', () => {
  it('user and password in a URL are replaced by ***', () => {
    assert.equal(redactUrl('https://jane:s3cret@hooks.example.com/in?x=1'), 'https://***@hooks.example.com/in?x=1');
  });

  it('a user name alone is hidden too, since it may be a token', () => {
    assert.equal(redactUrl(new URL('https://tok3n@example.com/')), 'https://***@example.com/');
  });

  it('a URL without credentials is shown unchanged, query string included', () => {
    assert.equal(redactUrl('http://127.0.0.1:8080/hook?a=b'), 'http://127.0.0.1:8080/hook?a=b');
  });

  it('an unparseable URL still has its credentials masked', () => {
    assert.equal(redactUrl('https://jane:s3cret@exa mple/x'), 'https://***@exa mple/x');
  });

  it('the value of a token query parameter is masked, other parameters kept', () => {
    assert.equal(redactUrl('https://h.example/hook?token=abc&v=1'), 'https://h.example/hook?token=***&v=1');
  });

  it('credential-like parameter names are recognised in any case and inside longer names', () => {
    const names = ['key', 'Secret', 'PASSWORD', 'passwd', 'pwd', 'auth', 'signature', 'sig', 'apikey', 'api_key', 'api-key'];
    const more = ['access_token', 'X-Api-Key', 'apiKey', 'hmacSig', 'x-sig', 'auth_token', 'client%5Fsecret'];
    for (const name of [...names, ...more]) {
      assert.equal(redactUrl(`https://h.example/?${name}=v4lue&n=1`), `https://h.example/?${name}=***&n=1`, name);
    }
  });

  it('parameters whose names only resemble a credential word are kept', () => {
    const url = 'https://h.example/hook?design=a&signup=b&tenant=blue&v=1';
    assert.equal(redactUrl(url), url);
  });

  it('an empty or valueless credential parameter is shown as written', () => {
    assert.equal(redactUrl('https://h.example/?token=&key'), 'https://h.example/?token=&key');
  });

  it('user, password and query token are all masked together', () => {
    assert.equal(redactUrl(new URL('https://jane:pw@h.example/in?sig=x1&a=2')), 'https://***@h.example/in?sig=***&a=2');
  });

  it('a token in the fragment is masked as in the query string', () => {
    assert.equal(redactUrl('https://h.example/cb#access_token=t0k&state=s'), 'https://h.example/cb#access_token=***&state=s');
  });

  it('an unparseable URL has its query tokens masked too', () => {
    assert.equal(redactUrl('https://exa mple/x?api_key=k3y&v=1'), 'https://exa mple/x?api_key=***&v=1');
  });
});
