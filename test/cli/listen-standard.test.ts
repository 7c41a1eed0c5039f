import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixture, runCli, startListener } from '../helpers/cli.ts';

/** The key of fixtures/cli/standard-webhooks.toml. */
const KEY = 'whsec_c3RhbmRhcmQtd2ViaG9va3MtbGlzdGVuLXRlc3Q=';
const OTHER_KEY = 'whsec_YW5vdGhlci1zdGFuZGFyZC13ZWJob29rcy1rZXk=';
const INPUT = `${JSON.stringify({ type: 'auth.success', data: { accountName: 'jane' } })}\n`;

describe('otel-webhooks listen --standard-key', () => {
  it('verifies Standard Webhooks signatures and shows the webhook-id', async (t) => {
    const listener = await startListener(['--port', '0', '--standard-key', OTHER_KEY, '--standard-key', KEY]);
    t.after(() => listener.stop());
    const sent = await runCli(['send', fixture('cli/standard-webhooks.toml'), '-', '--url', listener.url], { input: INPUT });
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    const stopped = await listener.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /checking {4}Standard Webhooks signatures with any of 2 keys/);
    assert.match(stopped.stdout, /#1 .* 200 accepted\s+signature ok/);
    assert.match(stopped.stdout, /\n {4}webhook-id {2}\d+-1\n/);
  });

  it('a request signed with another key is refused', async (t) => {
    const listener = await startListener(['--port', '0', '--standard-key', OTHER_KEY]);
    t.after(() => listener.stop());
    const sent = await runCli(['send', fixture('cli/standard-webhooks.toml'), '-', '--url', listener.url, '--wait', '1s'], {
      input: INPUT,
    });
    assert.equal(sent.code, 1);
    const stopped = await listener.stop();
    assert.equal(stopped.code, 1);
    assert.match(stopped.stdout, /401 refused: bad signature\s+signature FAILED/);
  });

  it('a key that is not a whsec_ secret is a usage error', async () => {
    const result = await runCli(['listen', '--port', '0', '--standard-key', 'plain-key']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--standard-key must start with "whsec_"/);
    assert.ok(!result.stderr.includes('plain-key'));
  });
});
