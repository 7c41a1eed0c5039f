import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileEventMatcher } from '../../src/records/match.ts';
import { fixture, runCli, startListener } from '../helpers/cli.ts';

interface ArrivedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  request: number;
  status: number;
  signature: string;
  auth: string;
}

/** The types of the valid lines of an NDJSON fixture that `patterns` select. */
function selectedTypes(file: string, patterns: readonly string[]): string[] {
  const matcher = compileEventMatcher(patterns);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { type: string }).type)
    .filter((type) => matcher.matches(type));
}

function arrivals(stdout: string): ArrivedEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ArrivedEvent);
}

const SEED_NEWER = ['auth.success', 'store.ingest'];
const SEED_CHECKS = ['--signature-key', 'my-secret-key', '--username', 'account', '--secret', 'password'];

describe('otel-webhooks listen + send', () => {
  it('send delivers the selected events through the seed config; listen verifies and counts them', async (t) => {
    const listener = await startListener(['--port', '0', ...SEED_CHECKS]);
    t.after(() => listener.stop());
    assert.match(listener.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const events = fixture('cli/events.ndjson');
    const expected = selectedTypes(events, SEED_NEWER);
    assert.ok(expected.length > 0);

    const sent = await runCli(['send', fixture('seed-newer.toml'), events, '--url', `${listener.url}/hook`]);
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    assert.match(sent.stdout, new RegExp(`webhook "my-webhook": selected ${expected.length} of \\d+: delivered ${expected.length} in `));

    const stopped = await listener.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /#1 .* \/hook .* 200 accepted\s+signature ok, auth ok/);
    assert.match(
      stopped.stdout,
      new RegExp(`Stopped after .*${expected.length} events accepted, ${expected.length} distinct ids, 0 duplicates`),
    );
  });

  it('listen --fail 2 makes the sender retry; every event arrives once, with the same ids', async (t) => {
    const listener = await startListener([
      '--port',
      '0',
      '--fail',
      '2',
      '--json',
      '--signature-key',
      'fast-signing-key',
      '--token',
      'fast-token',
    ]);
    t.after(() => listener.stop());
    const events = fixture('cli/events.ndjson');
    const expected = selectedTypes(events, ['auth.*', 'message-ingest.*']);

    const sent = await runCli(['send', fixture('cli/fast-retry.toml'), events, '--url', listener.url]);
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    assert.match(sent.stdout, /2 failed requests/);
    assert.match(sent.stderr, /HTTP 503/);

    const stopped = await listener.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
    const arrived = arrivals(stopped.stdout);
    const byRequest = (request: number): string[] => arrived.filter((event) => event.request === request).map((event) => event.id);
    assert.deepEqual([...new Set(arrived.map((event) => `${event.request}:${event.status}`))], ['1:503', '2:503', '3:200']);
    assert.deepEqual(byRequest(2), byRequest(1));
    assert.deepEqual(byRequest(3), byRequest(1));
    const accepted = arrived.filter((event) => event.status === 200);
    assert.deepEqual(accepted.map((event) => event.type).sort(), [...expected].sort());
    assert.ok(accepted.every((event) => event.signature === 'ok' && event.auth === 'ok'));
    assert.equal(new Set(accepted.map((event) => event.id)).size, accepted.length);
  });

  it('--json puts each event on its own line with its data as sent', async (t) => {
    const listener = await startListener(['--port', '0', '--json']);
    t.after(() => listener.stop());
    const input = `${JSON.stringify({ type: 'auth.success', data: { accountName: 'jane', remoteIp: '203.0.113.9' }, createdAt: '2026-11-22T10:05:14Z' })}\n`;
    const sent = await runCli(['send', fixture('cli/fast-retry.toml'), '-', '--url', listener.url], { input });
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    const stopped = await listener.stop();
    const [event, ...rest] = arrivals(stopped.stdout);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { type: event?.type, data: event?.data, createdAt: (event as unknown as { createdAt: string }).createdAt },
      { type: 'auth.success', data: { accountName: 'jane', remoteIp: '203.0.113.9' }, createdAt: '2026-11-22T10:05:14Z' },
    );
    assert.match(stopped.stderr, /Listening on/);
  });

  it('a wrong signature key is refused: send exits 1 after --wait, listen exits 1', async (t) => {
    const listener = await startListener(['--port', '0', '--signature-key', 'another-key']);
    t.after(() => listener.stop());
    const sent = await runCli([
      'send',
      fixture('cli/fast-retry.toml'),
      fixture('cli/events.ndjson'),
      '--url',
      listener.url,
      '--wait',
      '1s',
    ]);
    assert.equal(sent.code, 1, sent.stdout + sent.stderr);
    assert.match(sent.stdout, /still pending after 1s: not delivered/);
    assert.match(sent.stdout, /\d+ events not delivered\./);

    const stopped = await listener.stop();
    assert.equal(stopped.code, 1);
    assert.match(stopped.stdout, /401 refused: bad signature\s+signature FAILED/);
  });

  it('malformed lines are reported with their line number and skipped; the rest is delivered; exit 1', async (t) => {
    const listener = await startListener(['--port', '0', '--json']);
    t.after(() => listener.stop());
    const events = fixture('cli/events-malformed.ndjson');
    const sent = await runCli(['send', fixture('cli/fast-retry.toml'), events, '--url', listener.url]);
    assert.equal(sent.code, 1);
    const skipped = sent.stderr
      .split('\n')
      .filter((line) => line.includes(': skipped: '))
      .map((line) => line.slice(0, line.indexOf(': skipped: ')));
    assert.deepEqual(
      skipped,
      [3, 4, 5, 6, 7].map((line) => `${events}:${line}`),
    );
    assert.match(sent.stdout, /Read 3 events from .*\(5 malformed lines skipped\)/);

    const stopped = await listener.stop();
    assert.deepEqual(
      arrivals(stopped.stdout).map((event) => event.type),
      ['auth.success', 'auth.failed', 'auth.error'],
    );
  });

  it('a bad config stops send before anything is sent: exit 1 with line and key', async () => {
    const file = fixture('cli/bad-duration.toml');
    const sent = await runCli(['send', file, fixture('cli/events.ndjson')]);
    assert.equal(sent.code, 1);
    assert.match(sent.stderr, /bad-duration\.toml:\d+: webhook\."alerts"\.throttle: /);
    assert.equal(sent.stdout, '');
  });

  it('--webhook with an id the config lacks is a usage error naming the ids it has', async () => {
    const sent = await runCli(['send', fixture('seed-newer.toml'), fixture('cli/events.ndjson'), '--webhook', 'nope']);
    assert.equal(sent.code, 2);
    assert.match(sent.stderr, /no such webhook .* \(it has "my-webhook"\)/);
  });

  it('listen refuses --token together with --username: exit 2', async () => {
    const result = await runCli(['listen', '--port', '0', '--token', 't', '--username', 'u', '--secret', 's']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--token cannot be combined with --username\/--secret/);
  });

  it('listen --max-body-bytes answers a larger batch 413, counts it refused and exits 1', async (t) => {
    const listener = await startListener(['--port', '0', '--max-body-bytes', '2048']);
    t.after(() => listener.stop());
    const response = await fetch(`${listener.url}/hook`, { method: 'POST', body: JSON.stringify({ events: [], pad: 'x'.repeat(4096) }) });
    assert.equal(response.status, 413);
    await response.arrayBuffer();
    const stopped = await listener.stop();
    assert.equal(stopped.code, 1, stopped.stderr);
    assert.match(stopped.stdout, /#1 .* \/hook {2}0 events {2}413 refused: the body is \d+ bytes, over the limit of 2048 /);
    assert.match(stopped.stdout, /Stopped after 1 request: 0 accepted, 0 failed on purpose, 1 refused/);
  });

  it('listen --max-body-bytes 0 is a usage error: exit 2', async () => {
    const result = await runCli(['listen', '--max-body-bytes', '0']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--max-body-bytes must be a whole number from 1 to 2147483647, got "0"/);
  });

  it('listen on a port in use exits 1 with one line', async (t) => {
    const first = await startListener(['--port', '0']);
    t.after(() => first.stop());
    const port = new URL(first.url).port;
    const result = await runCli(['listen', '--port', port]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^otel-webhooks listen: cannot listen on 127\\.0\\.0\\.1:${port}: address already in use\\n$`));
  });
});
