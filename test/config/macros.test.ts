import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { onlyWebhook, tempFiles, webhookToml } from '../helpers/config-files.ts';

const { file } = tempFiles('otel-webhooks-macros-');

const only = onlyWebhook;

describe('TOML macros: expansion as Stalwart does it', () => {
  it('an env macro is the whole value', () => {
    assert.equal(only(webhookToml('signature-key = "%{env:HOOK_KEY}%"'), { HOOK_KEY: 'k-123' }).signatureKey, 'k-123');
  });

  it('a macro inside a longer string keeps the text around it', () => {
    const toml = webhookToml('headers = ["Authorization: Bearer %{env:TOKEN}%"]');
    assert.deepEqual(only(toml, { TOKEN: 't0k' }).headers, ['Authorization: Bearer t0k']);
  });

  it('several macros in one value, of one class and of several', () => {
    const path = file('part', 'from-file');
    const toml = webhookToml(`signature-key = "%{env:A}%-%{env:B}%/%{file:${path}}%"`);
    assert.equal(only(toml, { A: 'one', B: 'two' }).signatureKey, 'one-two/from-file');
  });

  it('each array element is expanded on its own', () => {
    const toml = webhookToml('headers = ["X-A: %{env:A}%", "X-B: plain", "X-C: %{env:C}%"]').replace(
      'events = ["*"]',
      'events = ["%{env:E}%", "auth.*"]',
    );
    const webhook = only(toml, { A: 'a', C: 'c', E: 'delivery.*' });
    assert.deepEqual(webhook.headers, ['X-A: a', 'X-B: plain', 'X-C: c']);
    assert.deepEqual(webhook.events, ['delivery.*', 'auth.*']);
  });

  it('inline tables are expanded: auth.token and auth.secret', () => {
    const toml = webhookToml('auth = { username = "%{env:USER}%", secret = "%{env:PASS}%" }');
    assert.deepEqual(only(toml, { USER: 'u', PASS: 'p' }).auth, { username: 'u', secret: 'p' });
  });

  it('env then file: an env variable can name the file', () => {
    const path = file('chained-key', 'chained-secret\n');
    assert.equal(only(webhookToml('signature-key = "%{file:%{env:KEY_FILE}%}%"'), { KEY_FILE: path }).signatureKey, 'chained-secret');
  });

  it('env then cfg: an env variable can hold a cfg macro', () => {
    const toml = `[report]\ndomain = "example.net"\n${webhookToml('signature-key = "%{env:INDIRECT}%"')}`;
    assert.equal(only(toml, { INDIRECT: 'key-for-%{cfg:report.domain}%' }).signatureKey, 'key-for-example.net');
  });

  it('a result is not scanned again for its own class, nor for an earlier one', () => {
    const path = file('has-env-macro', 'x-%{env:B}%');
    const toml = webhookToml(`signature-key = "%{env:A}%|%{file:${path}}%"`);
    assert.equal(only(toml, { A: '%{env:B}%', B: 'never' }).signatureKey, '%{env:B}%|x-%{env:B}%');
  });

  it('a file loses its trailing line endings, and nothing else', () => {
    const lf = file('lf', '  spaced token \n\n');
    const crlf = file('crlf', 'windows\r\n');
    const toml = webhookToml(`signature-key = "%{file:${lf}}%"`, `auth.token = "%{file:${crlf}}%"`);
    const webhook = only(toml);
    assert.equal(webhook.signatureKey, '  spaced token ');
    assert.equal(webhook.auth?.token, 'windows');
  });

  it('%{file://path}% reads /path, as Stalwart strips the leading //', () => {
    const path = file('slashes', 'ok');
    assert.equal(only(webhookToml(`signature-key = "%{file://${path}}%"`)).signatureKey, 'ok');
  });

  it('cfg refers to any key of the document, after that key’s env and file macros', () => {
    const toml = `[report]\ndomain = "%{env:DOMAIN}%"\n${webhookToml()}`.replace(
      'https://hooks.example.org/x',
      'https://mail.%{cfg:report.domain}%/hook',
    );
    assert.equal(only(toml, { DOMAIN: 'example.org' }).url, 'https://mail.example.org/hook');
  });

  it('cfg names array elements as Stalwart flattens them: key.0000', () => {
    const toml = `[server]\nhosts = ["a.example", "b.example"]\n${webhookToml('signature-key = "%{cfg:server.hosts.0001}%"')}`;
    assert.equal(only(toml).signatureKey, 'b.example');
  });

  it("a cfg target's own cfg macros are expanded when it sorts before the referring key, and left as written after", () => {
    const before = `[alpha]\nhost = "%{cfg:zeta.name}%"\n[zeta]\nname = "z"\n${webhookToml('signature-key = "%{cfg:alpha.host}%"')}`;
    assert.equal(only(before).signatureKey, 'z');
    const afterwards = `[zz]\nhost = "%{cfg:alpha.name}%"\n[alpha]\nname = "a"\n${webhookToml('signature-key = "%{cfg:zz.host}%"')}`;
    assert.equal(only(afterwards).signatureKey, '%{cfg:alpha.name}%');
  });

  it('keys and table names are never expanded', () => {
    const toml = webhookToml().replace('[webhook."ops"]', '[webhook."%{env:ID}%"]');
    assert.equal(only(toml, { ID: 'expanded' }).id, '%{env:ID}%');
  });

  it('a macro outside the webhook tables is not looked up unless a webhook refers to it', () => {
    const toml = `[store."db"]\npassword = "%{env:DB_PASSWORD}%"\n${webhookToml()}`;
    assert.equal(only(toml).url, 'https://hooks.example.org/x');
  });

  it('other %{...}% text is left alone', () => {
    assert.equal(only(webhookToml('signature-key = "100%{ENV:X}% and %{foo:y}%"')).signatureKey, '100%{ENV:X}% and %{foo:y}%');
  });

  it('booleans and integers can come from macros, as text that reads as Stalwart reads it', () => {
    const webhook = only(webhookToml('lossy = "%{env:LOSSY}%"', 'max-batch-events = "%{env:BATCH}%"', 'throttle = "%{env:THROTTLE}%"'), {
      LOSSY: 'true',
      BATCH: '25',
      THROTTLE: '250ms',
    });
    assert.equal(webhook.lossy, true);
    assert.equal(webhook.maxBatchEvents, 25);
    assert.equal(webhook.throttleMillis, 250);
  });

  it('the process environment is the default', () => {
    process.env['OTEL_WEBHOOKS_TEST_KEY'] = 'from-process';
    try {
      const [webhook] = parseWebhookConfig(webhookToml('signature-key = "%{env:OTEL_WEBHOOKS_TEST_KEY}%"'));
      assert.equal(webhook?.signatureKey, 'from-process');
    } finally {
      delete process.env['OTEL_WEBHOOKS_TEST_KEY'];
    }
  });
});
