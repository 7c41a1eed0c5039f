// `otel-webhooks serve` called wrongly, or with what it cannot use: one line, the right exit code.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'gateway-args-'));
const configPath = join(dir, 'config.toml');
writeFileSync(configPath, '[webhook."ops"]\nurl = "http://127.0.0.1:9/hook"\nevents = ["*"]\n');

describe('otel-webhooks serve arguments', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its help with --help', async () => {
    const result = await runCli(['serve', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: otel-webhooks serve <config>/);
    assert.match(result.stdout, /--max-body-bytes N/);
  });

  it('is listed in the main help', async () => {
    assert.match((await runCli(['--help'])).stdout, /serve <config> \[--port N\] \[options\] {2}run a gateway/);
  });

  for (const [label, args, message] of [
    ['no config', [], /missing the config file/],
    ['a port out of range', [configPath, '--port', '70000'], /--port must be a whole number from 0 to 65535, got "70000"/],
    ['a certificate without its key', [configPath, '--tls-cert', configPath], /--tls-cert and --tls-key go together/],
    ['a client CA without TLS', [configPath, '--client-ca', configPath], /--client-ca needs --tls-cert and --tls-key/],
    ['two tokens', [configPath, '--token', 'a', '--token-file', configPath], /--token and --token-file cannot be used together/],
    ['an empty token', [configPath, '--token', ' '], /--token is empty/],
    [
      'a summary interval that is no duration',
      [configPath, '--summary-interval', 'often'],
      /--summary-interval must be milliseconds or a duration/,
    ],
  ] as const) {
    it(`exits 2 for ${label}`, async () => {
      const result = await runCli(['serve', ...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    });
  }

  it('exits 1 naming the address when the port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const result = await runCli(['serve', configPath, '--port', String(port)]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('exits 1 for a config without an enabled webhook', async () => {
    const disabled = join(dir, 'disabled.toml');
    writeFileSync(disabled, '[webhook."ops"]\nurl = "http://127.0.0.1:9/hook"\nevents = ["*"]\nenable = false\n');
    const result = await runCli(['serve', disabled, '--port', '0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no enabled webhook to send to/);
  });

  it('exits 1 for a TLS file it cannot read', async () => {
    const result = await runCli(['serve', configPath, '--tls-cert', join(dir, 'missing.pem'), '--tls-key', join(dir, 'missing.pem')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--tls-cert .*missing\.pem: cannot read: no such file/);
  });
});
