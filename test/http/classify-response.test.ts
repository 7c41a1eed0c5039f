import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyResponse } from '../../src/http/classify-response.ts';

const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('classifyResponse', () => {
  it('every 2xx status is a success', () => {
    for (const code of [200, 201, 202, 204, 299]) {
      assert.deepEqual(classifyResponse(code, undefined, NOW), { status: 'success', statusCode: code });
    }
  });

  it('5xx is retryable at the normal backoff and names the status', () => {
    assert.deepEqual(classifyResponse(503, undefined, NOW), {
      status: 'retryable',
      statusCode: 503,
      retryAfterMillis: undefined,
      capped: false,
      message: 'HTTP 503 Service Unavailable',
    });
  });

  it('408 and 429 are retryable at the normal backoff', () => {
    for (const code of [408, 429]) {
      const result = classifyResponse(code, undefined, NOW);
      assert.equal(result.status, 'retryable');
      assert.equal(result.status === 'retryable' && result.capped, false);
    }
  });

  it('429 with Retry-After in seconds carries the wait in milliseconds', () => {
    const result = classifyResponse(429, '7', NOW);
    assert.equal(result.status === 'retryable' && result.retryAfterMillis, 7_000);
  });

  it('503 with Retry-After as an HTTP-date carries the time left until that date', () => {
    const result = classifyResponse(503, 'Sun, 22 Nov 2026 10:00:30 GMT', NOW);
    assert.equal(result.status === 'retryable' && result.retryAfterMillis, 30_000);
  });

  it('410 Gone is a final failure that stops the webhook', () => {
    assert.deepEqual(classifyResponse(410, undefined, NOW), {
      status: 'failure',
      reason: 'gone',
      statusCode: 410,
      message: 'HTTP 410 Gone',
    });
  });

  it('413 is a failure asking for smaller batches', () => {
    assert.deepEqual(classifyResponse(413, undefined, NOW), {
      status: 'failure',
      reason: 'too-large',
      statusCode: 413,
      message: 'HTTP 413 Payload Too Large',
    });
  });

  it('other 4xx are retried only at the capped interval', () => {
    for (const code of [400, 401, 403, 404, 422]) {
      const result = classifyResponse(code, undefined, NOW);
      assert.equal(result.status, 'retryable', `status ${code}`);
      assert.equal(result.status === 'retryable' && result.capped, true, `status ${code}`);
    }
  });

  it('a redirect is not followed: retried at the capped interval, saying so', () => {
    assert.deepEqual(classifyResponse(302, undefined, NOW), {
      status: 'retryable',
      statusCode: 302,
      retryAfterMillis: undefined,
      capped: true,
      message: 'HTTP 302 Found (redirects are not followed)',
    });
  });

  it('an unknown status code still gets a message', () => {
    const result = classifyResponse(499, undefined, NOW);
    assert.equal(result.status === 'retryable' && result.message, 'HTTP 499');
  });
});
