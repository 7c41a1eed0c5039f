import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { createWebhookProcessors } from '../src/create-webhook-processors.ts';
import { verifySignature } from '../src/http/sign.ts';
import type { RecordedRequest } from './helpers/receiver.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();
const dir = mkdtempSync(join(tmpdir(), 'otel-webhooks-forms-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, 'bearer-from-file\n');
const env = { HOOK_KEY: 'signing-key-from-env', TEAM: 'mail' };

const RECORDS = [
  { eventName: 'auth.success', attributes: { accountName: 'jane', remoteIp: '203.0.113.9' } },
  { eventName: 'auth.failed', attributes: { accountName: 'omar' } },
  { eventName: 'delivery.completed', attributes: { queueId: '42', total: 3 } },
  { eventName: 'message-ingest.ham', attributes: { size: 1024 } },
];

/** Runs the records through the processors `config` makes and returns what the receiver got. */
async function deliver(config: string, url: string, requests: RecordedRequest[]): Promise<RecordedRequest[]> {
  const before = requests.length;
  const provider = new LoggerProvider({ processors: createWebhookProcessors(config.replaceAll('RECEIVER_URL', url), {}, { env }) });
  const logger = provider.getLogger('forms');
  for (const record of RECORDS) logger.emit({ ...record, timestamp: new Date('2026-11-22T10:05:14Z') });
  await provider.shutdown();
  return requests.slice(before);
}

/** The request with event ids (different on every run, by design) set to 0, and its signature checked and set aside. */
function comparable(request: RecordedRequest): { method: string; path: string; headers: string[]; body: string } {
  const signature = String(request.headers['x-signature']);
  assert.ok(verifySignature(request.body, signature, env.HOOK_KEY), 'X-Signature is the HMAC of the body with the key');
  const headers = request.rawHeaders.map((value, index) =>
    request.rawHeaders[index - 1]?.toLowerCase() === 'x-signature' ? '<signature>' : value,
  );
  const body = request.body.toString('utf8').replace(/"id":"\d+"/g, '"id":"0"');
  return { method: request.method, path: request.path, headers, body };
}

const TOML_INCLUDE = `
[webhook."ops"]
url = "RECEIVER_URL"
events = ["auth.success", "delivery.completed"]
signature-key = "%{env:HOOK_KEY}%"
auth.token = "%{file:${tokenFile}}%"
headers = ["X-Env: prod", "X-Team: %{env:TEAM}%"]
throttle = "100ms"
timeout = "5s"
discard-after = "10m"
lossy = false
allow-invalid-certs = false
`;

const JSON_INCLUDE = JSON.stringify({
  id: 'ops',
  url: 'RECEIVER_URL',
  events: { 'auth.success': true, 'delivery.completed': true },
  eventsPolicy: 'include',
  signatureKey: { '@type': 'EnvironmentVariable', variableName: 'HOOK_KEY' },
  httpAuth: { '@type': 'Bearer', bearerToken: { '@type': 'File', filePath: tokenFile } },
  httpHeaders: { 'X-Env': 'prod', 'X-Team': 'mail' },
  throttle: 100,
  timeout: 5000,
  discardAfter: 600_000,
  lossy: false,
  allowInvalidCerts: false,
  enable: true,
  level: 'info',
});

const TOML_EXCLUDE = `
[webhook."all-but-failures"]
url = "RECEIVER_URL"
events = ["*", "!auth.failed"]
signature-key = "%{env:HOOK_KEY}%"
auth = { username = "account", secret = "password" }
`;

const SNAPSHOT_EXCLUDE = JSON.stringify({
  '@type': 'upsert',
  object: 'WebHook',
  matchOn: ['url'],
  value: {
    'webhook-all-but-failures': {
      url: 'RECEIVER_URL',
      events: { 'auth.failed': true },
      eventsPolicy: 'exclude',
      signatureKey: { '@type': 'Value', secret: 'signing-key-from-env' },
      httpAuth: { '@type': 'Basic', username: 'account', secret: { '@type': 'Value', secret: 'password' } },
    },
  },
});

describe('a TOML config and a registry JSON config that mean the same thing', () => {
  it('send byte-identical requests (ids aside): include policy, secrets from env and file, headers, bearer auth', async () => {
    const r = await receiver();
    const fromToml = await deliver(TOML_INCLUDE, r.url, r.requests);
    const fromJson = await deliver(JSON_INCLUDE, r.url, r.requests);
    assert.equal(fromToml.length, 1);
    assert.deepEqual(fromJson.map(comparable), fromToml.map(comparable));
    const [request] = fromToml;
    assert.equal(request?.headers.authorization, 'Bearer bearer-from-file');
    assert.equal(request?.headers['x-team'], 'mail');
    assert.deepEqual(
      (JSON.parse(request?.body.toString('utf8') ?? '') as { events: { type: string }[] }).events.map((e) => e.type),
      ['auth.success', 'delivery.completed'],
    );
  });

  it('send byte-identical requests (ids aside): exclude policy from a snapshot line, basic auth', async () => {
    const r = await receiver();
    const fromToml = await deliver(TOML_EXCLUDE, r.url, r.requests);
    const fromSnapshot = await deliver(SNAPSHOT_EXCLUDE, r.url, r.requests);
    assert.equal(fromToml.length, 1);
    assert.deepEqual(fromSnapshot.map(comparable), fromToml.map(comparable));
    assert.deepEqual(
      (JSON.parse(fromToml[0]?.body.toString('utf8') ?? '') as { events: { type: string }[] }).events.map((e) => e.type),
      ['auth.success', 'delivery.completed', 'message-ingest.ham'],
    );
  });
});
