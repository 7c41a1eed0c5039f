import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hideCredentials } from '../../src/http/hide-credentials.ts';

describe('credentials hidden in network error messages', () => {
  it('a short user name does not garble the words of the message', () => {
    const url = new URL('http://c:pw-71c@127.0.0.1:9/hook');
    assert.equal(hideCredentials('connect ECONNREFUSED 127.0.0.1:9', [url]), 'connect ECONNREFUSED 127.0.0.1:9');
  });

  it('the user name is hidden where it is the userinfo of a URL in the message', () => {
    const url = new URL('http://api:pw-71c@hooks.example/hook');
    assert.equal(
      hideCredentials('request to http://api:pw-71c@hooks.example:8443/ failed; api@hooks.example refused', [url]),
      'request to http://***:***@hooks.example:8443/ failed; ***@hooks.example refused',
    );
  });

  it('the password is hidden wherever it appears, percent-encoded or decoded', () => {
    const url = new URL('http://jane:p%40ss-9f2@hooks.example/');
    assert.equal(hideCredentials('bad p@ss-9f2 and p%40ss-9f2', [url]), 'bad *** and ***');
  });

  it('the whole URL is shown redacted', () => {
    const url = new URL('http://jane:s3cret@hooks.example/in');
    assert.equal(hideCredentials(`posting to ${url.href} failed`, [url]), 'posting to http://***@hooks.example/in failed');
  });

  it('a user name without a password is hidden as userinfo, and left alone elsewhere', () => {
    const url = new URL('http://tok3n@hooks.example/');
    assert.equal(hideCredentials('tok3n@hooks.example: tok3n expired', [url]), '***@hooks.example: tok3n expired');
  });

  it('the value of a credential-like query parameter is masked where the request path shows it', () => {
    const url = new URL('http://127.0.0.1:9/hook?token=q-t0ken&v=1');
    assert.equal(hideCredentials('POST /hook?token=q-t0ken&v=1 failed', [url]), 'POST /hook?token=***&v=1 failed');
  });
});
