import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventTypes } from '../../src/records/catalog.ts';
import { unmatchedPatterns } from '../../src/records/match.ts';
import { runCli } from '../helpers/cli.ts';

interface ListedEvent {
  name: string;
  description: string;
  level: string | null;
  versions: string;
  keys: string[];
}

describe('otel-webhooks events', () => {
  it("'auth.*' --json lists every auth event type with its level, versions and keys", async () => {
    const result = await runCli(['events', 'auth.*', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const listed = JSON.parse(result.stdout) as ListedEvent[];
    const expected = eventTypes.filter((info) => info.name.startsWith('auth.'));
    assert.ok(expected.length > 0);
    assert.deepEqual(
      listed,
      expected.map((info) => ({
        name: info.name,
        description: info.description,
        level: info.level ?? null,
        versions: info.versions,
        keys: [...info.keys],
      })),
    );
  });

  it('an exclusion removes types from what the other patterns list', async () => {
    const result = await runCli(['events', 'auth.*', '!auth.success', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const names = (JSON.parse(result.stdout) as ListedEvent[]).map((event) => event.name);
    assert.ok(names.includes('auth.failed'));
    assert.ok(!names.includes('auth.success'));
  });

  it('the table has one line per type, then the count', async () => {
    const result = await runCli(['events', 'security.*']);
    assert.equal(result.code, 0, result.stderr);
    const expected = eventTypes.filter((info) => info.name.startsWith('security.'));
    const lines = result.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.slice(0, -1).map((line) => line.split(/\s+/)[0]),
      expected.map((info) => info.name),
    );
    assert.equal(lines.at(-1), `${expected.length} event types match "security.*"`);
  });

  it('a pattern that matches nothing exits 1 and names the nearest types', async () => {
    const result = await runCli(['events', 'store.ingest']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const [unknown] = unmatchedPatterns(['store.ingest']);
    assert.ok(unknown !== undefined && unknown.suggestions.length > 0);
    assert.match(result.stderr, /no event type matches "store\.ingest"/);
    for (const suggestion of unknown.suggestions) assert.ok(result.stderr.includes(suggestion), result.stderr);
  });

  it('an invalid pattern is a usage error: exit 2', async () => {
    const result = await runCli(['events', '!!auth.*']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /invalid event pattern/);
  });
});
