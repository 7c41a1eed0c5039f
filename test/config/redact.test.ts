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
});
