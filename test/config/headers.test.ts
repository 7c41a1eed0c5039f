import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidHeaderName, isValidHeaderValue, parseHeaderLine } from '../../src/config/headers.ts';

describe('parseHeaderLine', () => {
  it('splits at the first colon and trims both sides', () => {
    assert.deepEqual(parseHeaderLine('X-My-Header: my-value'), { name: 'X-My-Header', value: 'my-value' });
    assert.deepEqual(parseHeaderLine(' X-A :\t b c \t'), { name: 'X-A', value: 'b c' });
  });

  it('keeps later colons in the value', () => {
    assert.deepEqual(parseHeaderLine('X-Url: https://example.org:8443/x'), {
      name: 'X-Url',
      value: 'https://example.org:8443/x',
    });
  });

  it('allows an empty value', () => {
    assert.deepEqual(parseHeaderLine('X-Empty:'), { name: 'X-Empty', value: '' });
  });

  it('returns undefined for a line without a colon', () => {
    assert.equal(parseHeaderLine('X-My-Header my-value'), undefined);
    assert.equal(parseHeaderLine(''), undefined);
  });

  it('does not trim line breaks, so validation can reject them', () => {
    const header = parseHeaderLine('X-A: b\r\n');
    assert.equal(header?.value, 'b\r\n');
    assert.equal(isValidHeaderValue(header?.value ?? ''), false);
  });
});

describe('isValidHeaderName', () => {
  it('accepts RFC 7230 tokens', () => {
    for (const name of ['X-My-Header', 'authorization', "a!#$%&'*+-.^_`|~9"]) assert.equal(isValidHeaderName(name), true, name);
  });

  it('rejects empty names, separators, spaces and non-ASCII', () => {
    for (const name of ['', 'X My', 'X:A', 'X(A)', 'X"A', 'X/A', 'X\tA', 'Ä', 'X\u0000']) {
      assert.equal(isValidHeaderName(name), false, JSON.stringify(name));
    }
  });
});

describe('isValidHeaderValue', () => {
  it('accepts visible characters, spaces, tabs and obs-text', () => {
    for (const value of ['', 'plain', 'a b\tc', 'caf\u00e9', '~!@#$%^&*()']) assert.equal(isValidHeaderValue(value), true, value);
  });

  it('rejects CR, LF, NUL, other controls and characters beyond Latin-1', () => {
    for (const value of ['a\rb', 'a\nb', 'a\u0000b', 'a\u0007b', 'a\u007fb', '\u20ac']) {
      assert.equal(isValidHeaderValue(value), false, JSON.stringify(value));
    }
  });
});
