import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, startListener } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'otel-webhooks-check-forms-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const SECRETS = {
  HOOK_KEY: 'env-s3cret-key',
  HOOK_URL: 'https://private-host.example/in',
  USER: 'secret-user',
  TEAM: 'team-s3cret',
  HEADER: 'X-S3cret-Name: v',
};
const tokenFile = file('token', 'file-s3cret-token\n');

const MACROS_TOML = `[webhook."ops"]
url = "%{env:HOOK_URL}%"
events = ["auth.*", "%{env:TEAM}%"]
signature-key = "%{env:HOOK_KEY}%"
headers = ["X-Team: %{env:TEAM}%", "X-Other: 1"]
auth = { username = "%{env:USER}%", secret = "%{file:${tokenFile}}%" }
`;

describe('otel-webhooks check: macros and registry JSON', () => {
  it('shows which keys came from which macro, and none of their values', async () => {
    const path = file('macros.toml', MACROS_TOML);
    const result = await runCli(['check', path], { env: SECRETS });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    for (const value of ['s3cret', 'private-host', 'secret-user']) assert.ok(!result.stdout.includes(value), result.stdout);
    assert.match(result.stdout, /url\s+\(from %\{env:HOOK_URL\}%\)/);
    assert.match(result.stdout, /auth\s+basic \(username from %\{env:USER\}%\)/);
    assert.match(result.stdout, /headers\s+X-Team, X-Other/);
    assert.match(result.stdout, /\(from %\{env:TEAM\}%\)\s+selects 0/);
    assert.match(
      result.stdout,
      /macros\s+url\s+%\{env:HOOK_URL\}%\n\s+events\[1\]\s+%\{env:TEAM\}%\n\s+signature-key\s+%\{env:HOOK_KEY\}%\n/,
    );
    assert.match(result.stdout, new RegExp(`auth\\.secret\\s+%\\{file:${tokenFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\}%`));
    assert.match(result.stdout, /warning: webhook\."ops"\.events: \(from %\{env:TEAM\}%\) matches no known event type/);
  });

  it('a header whose name came from a macro is not named', async () => {
    const toml = MACROS_TOML.replace('"X-Other: 1"', '"%{env:HEADER}%"');
    const result = await runCli(['check', file('header-name.toml', toml)], { env: SECRETS });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /headers\s+X-Team, \(a header from %\{env:HEADER\}%\)/);
    assert.ok(!result.stdout.includes('S3cret'), result.stdout);
    assert.ok(!result.stdout.includes('s3cret'), result.stdout);
  });

  it('a missing variable exits 1 with file, line, key and macro', async () => {
    const path = file('missing.toml', MACROS_TOML);
    const result = await runCli(['check', path], { env: { ...SECRETS, HOOK_KEY: undefined } });
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim(), `${path}:4: webhook."ops".signature-key: %{env:HOOK_KEY}%: the environment variable is not set`);
  });

  it('a registry JSON config: each webhook as it will run, secrets by where they come from', async () => {
    const json = {
      accountId: 'a',
      list: [
        {
          id: 'itezrjaaaeaf',
          url: 'https://hooks.example.com/stalwart',
          events: { 'auth.success': true, 'delivery.completed': true },
          eventsPolicy: 'include',
          signatureKey: { '@type': 'EnvironmentVariable', variableName: 'HOOK_KEY' },
          httpAuth: { '@type': 'Bearer', bearerToken: { '@type': 'File', filePath: tokenFile } },
          throttle: 250,
        },
      ],
      notFound: [],
    };
    const result = await runCli(['check', file('get.json', JSON.stringify(json, null, 2))], { env: SECRETS });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^WebHook\."itezrjaaaeaf"\n\s+url\s+https:\/\/hooks\.example\.com\/stalwart\n/);
    assert.match(result.stdout, /"auth\.success"\s+selects 1\n\s+"delivery\.completed"\s+selects 1\n\s+2 event types selected/);
    assert.match(result.stdout, /throttle\s+250ms/);
    assert.match(result.stdout, /signing\s+HMAC-SHA256 in X-Signature/);
    assert.match(result.stdout, /secrets from\s+signatureKey\s+environment variable "HOOK_KEY"\n\s+httpAuth\.bearerToken\s+file "/);
    assert.ok(!result.stdout.includes('s3cret'), result.stdout);
  });

  it('a masked secret in a registry JSON config exits 1 and says why', async () => {
    const path = file(
      'masked.json',
      JSON.stringify({ id: 'x', url: 'https://a.example', signatureKey: { '@type': 'Value', secret: '****' } }),
    );
    const result = await runCli(['check', path]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /: WebHook\."x"\.signatureKey\.secret: masked by the server/);
  });

  it('send delivers through a snapshot NDJSON config, signed with its secret from the environment', async (t) => {
    const listener = await startListener(['--port', '0', '--signature-key', SECRETS.HOOK_KEY, '--token', 'file-s3cret-token']);
    t.after(() => listener.stop());
    const body = {
      url: `${listener.url}/hook`,
      signatureKey: { '@type': 'EnvironmentVariable', variableName: 'HOOK_KEY' },
      httpAuth: { '@type': 'Bearer', bearerToken: { '@type': 'File', filePath: tokenFile } },
      events: { 'auth.failed': true },
      throttle: 100,
    };
    const snapshot = [
      JSON.stringify({ '@type': 'destroy', object: 'WebHook' }),
      JSON.stringify({ '@type': 'upsert', object: 'WebHook', matchOn: ['url'], value: { 'webhook-abc': body } }),
    ].join('\n');
    const events = file('events.ndjson', '{"type":"auth.success","data":{"accountName":"jane"}}\n{"type":"auth.failed","data":{}}\n');
    const sent = await runCli(['send', file('snapshot.ndjson', snapshot), events], { env: SECRETS });
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    assert.match(sent.stdout, /webhook "abc": selected 1 of 2: delivered 1 in 1 request/);
    const stopped = await listener.stop();
    assert.match(stopped.stdout, /signature ok, auth ok/);
  });
});
