// `otel-webhooks serve` end to end, every part its own process: the gateway started by the CLI,
// applications sending with the real OTLP exporters, and a receiver that checks each event and
// signature.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { verifySignature } from '../../src/http/sign.ts';
import { deliveryProblems, downUrl, KEY, killChildren, type RequestLine, startReceiverProcess, until } from '../helpers/lifetime.ts';
import { JSON_TYPE, jsonRecord, jsonRequest, PROTOBUF, post, protobufBody } from '../helpers/otlp.ts';
import { eventsOf } from '../helpers/pipeline.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { killAll, startSender, startServe } from '../helpers/serve.ts';

const dirs: string[] = [];

function config(url: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-serve-'));
  dirs.push(dir);
  const path = join(dir, 'config.toml');
  writeFileSync(path, `[webhook."lifetime"]\nurl = ${JSON.stringify(url)}\nevents = ["auth.*"]\nsignature-key = "${KEY}"\n${extra}`);
  return path;
}

/** What is wrong with the accepted requests: every n of `expected` exactly once, all signatures valid. */
function problems(requests: readonly RequestLine[], expected: number): string[] {
  const ns = requests.filter((r) => r.status === 200).flatMap((r) => r.ns);
  const out: string[] = [];
  const missing = [...Array(expected).keys()].filter((n) => !ns.includes(n));
  if (missing.length > 0) out.push(`${missing.length} of ${expected} never delivered (first: ${missing[0]})`);
  if (new Set(ns).size !== ns.length) out.push('some n delivered twice');
  if (requests.some((r) => r.signature !== 'valid')) out.push('a request without a valid signature');
  return out;
}

describe('otel-webhooks serve', () => {
  afterEach(() => {
    killAll();
    killChildren();
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers, signed, every record that the OTLP JSON and protobuf exporters of other processes send', async () => {
    const receiver = await startReceiverProcess('ok');
    const gateway = await startServe([config(`${receiver.url}/hook`, 'throttle = "50ms"'), '--port', '0', '--summary-interval', '300ms']);
    const json = startSender(`${gateway.url}/v1/logs`, 'json', 0, 150, 40);
    const protobuf = startSender(`${gateway.url}/v1/logs`, 'protobuf', 150, 150, 40);
    assert.deepEqual(await json.ended(), { code: 0, signal: null }, json.output());
    assert.deepEqual(await protobuf.ended(), { code: 0, signal: null }, protobuf.output());
    assert.ok(
      await until(() => problems(receiver.requests('/hook'), 300).length === 0, 10_000),
      problems(receiver.requests('/hook'), 300).join('; '),
    );
    await gateway.waitFor(/last 0\.3s: \d+ requests? \(\d+ ok\), \d+ records?; webhook "lifetime": \d+ delivered, 0 pending/);
    gateway.process.kill('SIGTERM');
    assert.deepEqual(await gateway.ended(), { code: 0, signal: null }, gateway.output());
    assert.match(gateway.output(), /until shutdown: .*webhook "lifetime": \d+ delivered, 0 pending, closed/);
  });

  it('makes the exporter retry while the webhook queue is full, and loses nothing', async () => {
    const receiver = await startReceiverProcess('slow', 400);
    const gateway = await startServe([
      config(`${receiver.url}/hook`, 'throttle = "100ms"\nmax-queue-events = 60'),
      '--port',
      '0',
      '--verbose',
    ]);
    const sender = startSender(`${gateway.url}/v1/logs`, 'protobuf', 0, 200, 50);
    assert.deepEqual(await sender.ended(40_000), { code: 0, signal: null }, sender.output());
    assert.doesNotMatch(sender.output(), /"code":1/, 'every export succeeded in the end');
    assert.ok(
      await until(() => problems(receiver.requests('/hook'), 200).length === 0, 15_000),
      problems(receiver.requests('/hook'), 200).join('; '),
    );
    assert.match(gateway.output(), /POST \/v1\/logs 429 protobuf .*cannot take more now \(max-queue-events 60/, 'the gateway pushed back');
    gateway.process.kill('SIGTERM');
    assert.equal((await gateway.ended()).code, 0);
  });

  it('on SIGTERM stops taking logs, delivers what is pending, and exits 0', async () => {
    const receiver = await startReceiverProcess('fail-once');
    const gateway = await startServe([config(`${receiver.url}/hook`, 'throttle = "200ms"\nretry-max = "500ms"'), '--port', '0']);
    const body = JSON.stringify(
      jsonRequest([0, 1, 2, 3, 4].map((n) => ({ ...jsonRecord('auth.success'), attributes: [{ key: 'n', value: { intValue: n } }] }))),
    );
    assert.equal((await post(`${gateway.url}/v1/logs`, body, { 'content-type': JSON_TYPE })).status, 200);
    assert.ok(await until(() => receiver.requests('/hook').length === 1, 10_000), 'the first attempt failed');
    gateway.process.kill('SIGTERM');
    await gateway.waitFor(/SIGTERM: no longer taking logs; delivering 5 pending events/);
    const refused = await post(`${gateway.url}/v1/logs`, body, { 'content-type': JSON_TYPE }).catch(() => undefined);
    if (refused !== undefined) assert.equal(refused.status, 503, 'answered while draining: told to come back');
    assert.deepEqual(await gateway.ended(), { code: 0, signal: null }, gateway.output());
    assert.deepEqual(deliveryProblems(receiver.requests('/hook')), []);
  });

  it('takes logs only with the token of --token-file, and warns when it listens beyond loopback without one', async () => {
    const receiver = await startReceiverProcess('ok');
    const path = config(`${receiver.url}/hook?token=query-t0ken&tenant=blue`);
    const tokenFile = join(dirname(path), 'token');
    writeFileSync(tokenFile, 'serve-token\n');
    const gateway = await startServe([path, '--port', '0', '--token-file', tokenFile]);
    const body = JSON.stringify(jsonRequest([jsonRecord('auth.success')]));
    assert.equal((await post(`${gateway.url}/v1/logs`, body, { 'content-type': JSON_TYPE })).status, 401);
    const ok = await post(`${gateway.url}/v1/logs`, body, { 'content-type': JSON_TYPE, authorization: 'Bearer serve-token' });
    assert.equal(ok.status, 200);
    assert.doesNotMatch(gateway.output(), /warning/);
    assert.match(gateway.output(), /webhook "lifetime" → http:\/\/127\.0\.0\.1:\d+\/hook\?token=\*\*\*&tenant=blue\n/);
    assert.doesNotMatch(gateway.output(), /query-t0ken/);
    gateway.process.kill('SIGTERM');
    assert.equal((await gateway.ended()).code, 0);

    const open = await startServe([path, '--port', '0', '--host', '0.0.0.0']);
    await open.waitFor(/warning: listening on 0\.0\.0\.0 without --token or --client-ca/);
    open.process.kill('SIGTERM');
    assert.equal((await open.ended()).code, 0);
  });

  it('killed with events in its spool, delivers them after a restart', async () => {
    const url = `${await downUrl()}/hook`;
    const spool = mkdtempSync(join(tmpdir(), 'gateway-spool-'));
    dirs.push(spool);
    const path = config(url, `spool-dir = ${JSON.stringify(spool)}\nretry-max = "1s"`);
    const first = await startServe([path, '--port', '0']);
    const records = [0, 1, 2, 3, 4].map((n) => ({
      eventName: 'auth.success',
      timeUnixNano: '1795000000000000000',
      attributes: [{ key: 'n', value: { intValue: n } }],
    }));
    const answer = await post(`${first.url}/v1/logs`, protobufBody(jsonRequest(records)), { 'content-type': PROTOBUF });
    assert.equal(answer.status, 200);
    first.process.kill('SIGKILL');
    assert.equal((await first.ended()).signal, 'SIGKILL');

    const receiver = await startReceiver({ port: Number(new URL(url).port) });
    try {
      const second = await startServe([path, '--port', '0']);
      await receiver.waitForRequests(1, 15_000);
      const events = receiver.requests.flatMap((request) => {
        assert.ok(verifySignature(request.body, String(request.headers['x-signature']), KEY));
        return eventsOf(request.body);
      });
      assert.deepEqual(events.map((event) => event.data.n).sort(), [0, 1, 2, 3, 4]);
      assert.match(second.output(), /5 events recovered from the spool/);
      second.process.kill('SIGTERM');
      assert.equal((await second.ended()).code, 0);
    } finally {
      await receiver.close();
    }
  });
});
