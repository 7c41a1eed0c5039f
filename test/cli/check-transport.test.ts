import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLIENT_KEY, tlsFixture } from '../helpers/certs.ts';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'otel-webhooks-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PROXY_PASSWORD = 'chk-PR0XY-4a1';
const WHSEC_A = 'whsec_Y2hlY2stc3RhbmRhcmQta2V5LW51bWJlci1vbmU=';
const WHSEC_B = 'whsec_Y2hlY2stc3RhbmRhcmQta2V5LW51bWJlci10d28=';

/** Writes a config file into the temporary directory. */
function config(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The text after `name` on the first output line that starts with it. */
function field(stdout: string, name: string): string | undefined {
  return stdout
    .split('\n')
    .find((line) => line.trimStart().startsWith(`${name} `))
    ?.trim()
    .slice(name.length)
    .trim();
}

/** No proxy variable of the machine running the tests leaks into the child. */
const NO_PROXY_ENV: NodeJS.ProcessEnv = {
  HTTP_PROXY: undefined,
  HTTPS_PROXY: undefined,
  http_proxy: undefined,
  https_proxy: undefined,
  NO_PROXY: undefined,
  no_proxy: undefined,
  NODE_USE_ENV_PROXY: undefined,
};

describe('otel-webhooks check: signing, proxy and TLS', () => {
  it('shows the Standard Webhooks scheme, the proxy without credentials and the TLS settings, and no secret', async () => {
    const file = config(
      'transport.toml',
      `[webhook."secure"]
url = "https://hooks.example.org/in"
events = ["auth.*"]
signature-scheme = "standard-webhooks"
signature-key = ["${WHSEC_A}", "${WHSEC_B}"]
proxy = "http://proxy-user:${PROXY_PASSWORD}@proxy.example.org:3128"

[webhook."secure".tls]
ca-file = ${JSON.stringify(tlsFixture('ca.pem'))}
cert-file = ${JSON.stringify(tlsFixture('client-cert.pem'))}
key-file = ${JSON.stringify(tlsFixture('client-key.pem'))}
server-name = "hooks.test"
min-version = "TLSv1.3"
`,
    );
    const result = await runCli(['check', file], { env: NO_PROXY_ENV });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      field(result.stdout, 'signing'),
      'Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature, 2 keys (each signs: rotation)',
    );
    assert.equal(field(result.stdout, 'proxy'), 'http://***@proxy.example.org:3128/ (through a CONNECT tunnel)');
    assert.equal(field(result.stdout, 'tls'), `trusts 1 extra CA certificate beside Node's (ca-file ${tlsFixture('ca.pem')})`);
    assert.ok(
      result.stdout.includes(
        `client certificate CN=otel-webhook-client, valid until 2126-11-07 (cert-file ${tlsFixture('client-cert.pem')}, key-file ${tlsFixture('client-key.pem')})`,
      ),
      result.stdout,
    );
    assert.ok(result.stdout.includes('server name hooks.test (SNI and certificate check)'), result.stdout);
    assert.ok(result.stdout.includes('TLSv1.3 or newer'), result.stdout);
    for (const secret of [PROXY_PASSWORD, WHSEC_A, WHSEC_B, CLIENT_KEY.split('\n')[1] as string]) {
      assert.ok(!(result.stdout + result.stderr).includes(secret), secret);
    }
  });

  it('with NODE_USE_ENV_PROXY=1, the proxy of the environment is shown without credentials, with NO_PROXY', async () => {
    const file = config('env.toml', '[webhook."env"]\nurl = "https://hooks.example.org/in"\nevents = ["*"]\n');
    const env = {
      ...NO_PROXY_ENV,
      NODE_USE_ENV_PROXY: '1',
      HTTPS_PROXY: `http://u:${PROXY_PASSWORD}@proxy.example.org:3128`,
      NO_PROXY: 'localhost,.internal',
    };
    const result = await runCli(['check', file], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      field(result.stdout, 'proxy'),
      'http://***@proxy.example.org:3128/ from HTTPS_PROXY (NODE_USE_ENV_PROXY is on; through a CONNECT tunnel, unless NO_PROXY="localhost,.internal" matches)',
    );
    assert.ok(!(result.stdout + result.stderr).includes(PROXY_PASSWORD));
  });

  it('without a proxy, no proxy line is shown', async () => {
    const file = config('direct.toml', '[webhook."direct"]\nurl = "https://hooks.example.org/in"\nevents = ["*"]\n');
    const result = await runCli(['check', file], { env: { ...NO_PROXY_ENV, HTTPS_PROXY: 'http://proxy.example.org:3128' } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(field(result.stdout, 'proxy'), undefined);
  });

  it('TLS settings on an http: url are a warning', async () => {
    const file = config(
      'plain.toml',
      '[webhook."plain"]\nurl = "http://hooks.example.org/in"\nevents = ["*"]\n\n[webhook."plain".tls]\nmin-version = "TLSv1.3"\n',
    );
    const result = await runCli(['check', file, '--strict'], { env: NO_PROXY_ENV });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /warning: webhook\."plain"\.tls: applies to https: endpoints only, and the url is http:/);
  });
});
