import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebhookConfigError } from '../../src/config/errors.ts';
import { envProxies, envProxyEnabled } from '../../src/http/env-proxy.ts';

describe("Node's switch for proxies from the environment", () => {
  it('is on with NODE_USE_ENV_PROXY=1 only', () => {
    assert.equal(envProxyEnabled({ NODE_USE_ENV_PROXY: '1' }, []), true);
    assert.equal(envProxyEnabled({ NODE_USE_ENV_PROXY: 'true' }, []), false);
    assert.equal(envProxyEnabled({}, []), false);
  });

  it('--use-env-proxy on the command line or in NODE_OPTIONS turns it on, and --no-use-env-proxy off over the variable', () => {
    assert.equal(envProxyEnabled({}, ['--use-env-proxy']), true);
    assert.equal(envProxyEnabled({ NODE_OPTIONS: '--max-old-space-size=100 --use-env-proxy' }, []), true);
    assert.equal(envProxyEnabled({ NODE_USE_ENV_PROXY: '1' }, ['--no-use-env-proxy']), false);
    assert.equal(envProxyEnabled({ NODE_OPTIONS: '--use-env-proxy' }, ['--no-use-env-proxy']), false);
  });
});

describe('the proxies of the environment', () => {
  const on = { NODE_USE_ENV_PROXY: '1' };

  it('are none when the switch is off, whatever the variables say', () => {
    assert.equal(envProxies({ HTTPS_PROXY: 'http://proxy:3128' }, []), undefined);
  });

  it('take the lower-case variable over the upper-case one, and HTTP_PROXY for https: when HTTPS_PROXY is unset', () => {
    const proxies = envProxies({ ...on, http_proxy: 'http://low:1', HTTP_PROXY: 'http://up:2', NO_PROXY: 'a.example' }, []);
    assert.equal(proxies?.http?.variable, 'http_proxy');
    assert.equal(proxies?.https?.url.href, 'http://low:1/');
    assert.deepEqual(proxies?.noProxy, { variable: 'NO_PROXY', value: 'a.example' });
  });

  it('an empty lower-case variable means no proxy, as in undici', () => {
    assert.equal(envProxies({ ...on, https_proxy: '', HTTPS_PROXY: 'http://up:2' }, []), undefined);
  });

  it('an invalid proxy URL is a config error naming the variable, without its credentials', () => {
    assert.throws(
      () => envProxies({ ...on, HTTPS_PROXY: 'ftp://user:S3CR3T@proxy' }, []),
      (error: unknown) =>
        error instanceof WebhookConfigError &&
        error.key === 'HTTPS_PROXY' &&
        error.message === 'HTTPS_PROXY must be an http: or https: proxy URL (NODE_USE_ENV_PROXY is on), got "ftp://***@proxy/"',
    );
  });
});
