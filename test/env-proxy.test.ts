import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SERVER_CERT, SERVER_KEY, tlsFixture } from './helpers/certs.ts';
import { fixture } from './helpers/cli.ts';
import { startProxy, type TestProxy } from './helpers/proxy.ts';
import { type Receiver, startReceiver } from './helpers/receiver.ts';

const run = promisify(execFile);

/** The environment of a child, without any proxy variable of the machine running the tests. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
    'http_proxy',
    'https_proxy',
    'no_proxy',
    'NODE_USE_ENV_PROXY',
    'NODE_OPTIONS',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

/** Runs the child against `receiver` with `env`; resolves with its stats. */
async function sendFromChild(receiver: Receiver, env: NodeJS.ProcessEnv): Promise<{ delivered: number }> {
  const args = [fixture('env-proxy-child.ts'), receiver.url, ...(receiver.url.startsWith('https:') ? [tlsFixture('ca.pem')] : [])];
  const { stdout } = await run(process.execPath, args, { env: cleanEnv(env), timeout: 30_000 });
  return JSON.parse(stdout) as { delivered: number };
}

async function withServers(https: boolean, body: (receiver: Receiver, proxy: TestProxy) => Promise<void>): Promise<void> {
  const receiver = await startReceiver({ host: '127.0.0.2', ...(https ? { https: { key: SERVER_KEY, cert: SERVER_CERT } } : {}) });
  const proxy = await startProxy();
  try {
    await body(receiver, proxy);
  } finally {
    await Promise.all([receiver.close(), proxy.close()]);
  }
}

describe('proxies from the environment, as Node fetch takes them', () => {
  it('with NODE_USE_ENV_PROXY=1, an https: endpoint is reached through HTTPS_PROXY', async () => {
    await withServers(true, async (receiver, proxy) => {
      const stats = await sendFromChild(receiver, { NODE_USE_ENV_PROXY: '1', HTTPS_PROXY: proxy.url });
      assert.equal(stats.delivered, 1);
      assert.deepEqual(proxy.passed, [{ kind: 'tunnel', target: `127.0.0.2:${receiver.port}` }]);
      assert.equal(receiver.requests.length, 1);
    });
  });

  it('with NODE_USE_ENV_PROXY=1, an http: endpoint goes through HTTP_PROXY (lower case wins)', async () => {
    await withServers(false, async (receiver, proxy) => {
      const stats = await sendFromChild(receiver, { NODE_USE_ENV_PROXY: '1', http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' });
      assert.equal(stats.delivered, 1);
      assert.deepEqual(proxy.passed, [{ kind: 'forward', target: `127.0.0.2:${receiver.port}` }]);
    });
  });

  it('--use-env-proxy in NODE_OPTIONS is the same switch', async () => {
    await withServers(true, async (receiver, proxy) => {
      const stats = await sendFromChild(receiver, { NODE_OPTIONS: '--use-env-proxy', HTTPS_PROXY: proxy.url });
      assert.equal(stats.delivered, 1);
      assert.equal(proxy.passed.length, 1);
    });
  });

  it('a host listed in NO_PROXY is reached directly', async () => {
    await withServers(true, async (receiver, proxy) => {
      const stats = await sendFromChild(receiver, { NODE_USE_ENV_PROXY: '1', HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.2' });
      assert.equal(stats.delivered, 1);
      assert.equal(proxy.passed.length + proxy.refused(), 0);
      assert.equal(receiver.requests.length, 1);
    });
  });

  it('without the switch, HTTPS_PROXY is not used', async () => {
    await withServers(true, async (receiver, proxy) => {
      const stats = await sendFromChild(receiver, { HTTPS_PROXY: proxy.url });
      assert.equal(stats.delivered, 1);
      assert.equal(proxy.passed.length + proxy.refused(), 0);
    });
  });
});
