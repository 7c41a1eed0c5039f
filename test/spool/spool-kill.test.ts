import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allRecovered, open, tempDir } from '../helpers/spool.ts';

const CHILD = fileURLToPath(new URL('../fixtures/spool-child.ts', import.meta.url));

/** Runs the child appender until it is stuck inside turn `stop`, kills it with SIGKILL there, and returns what it printed. */
async function killWhenStuck(
  dir: string,
  sync: 'batch' | 'event',
  stop: number,
  spillAt?: number,
): Promise<{ turns: number[]; stuckAt: number }> {
  const args = [CHILD, dir, sync, String(stop), ...(spillAt === undefined ? [] : [String(spillAt)])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('stuck')) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, sig) => resolve(sig)));
  clearTimeout(timer);
  assert.equal(signal, 'SIGKILL', stderr);
  const lines = stdout.trim().split('\n');
  const stuck = lines.at(-1) ?? '';
  assert.match(stuck, /^stuck \d+$/, stdout);
  return {
    turns: lines.slice(0, -1).map((line) => Number(line.split(' ')[2])),
    stuckAt: Number(stuck.split(' ')[1]),
  };
}

function ids(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `7${String(i).padStart(18, '0')}`);
}

describe('spool under kill -9', () => {
  it('batch: keeps every event of the turns that ended and loses exactly those of the turn the kill interrupted', async (t) => {
    const dir = tempDir(t);
    const { turns, stuckAt } = await killWhenStuck(dir, 'batch', 30);
    assert.equal(turns.length, 30);
    const ended = turns.at(-1) as number;
    assert.equal(ended, 3000);
    assert.equal(stuckAt, 3050, 'the interrupted turn had appended 50 more');
    const { spool, warnings } = open(t, dir);
    assert.deepEqual(
      allRecovered(spool).map((e) => e.id),
      ids(ended),
    );
    assert.ok(
      warnings.some((w) => w.includes('took over the lock')),
      warnings.join('\n'),
    );
  });

  it('batch, spilling: keeps the events of the turns that ended, those held in memory and those written behind alike', async (t) => {
    const dir = tempDir(t);
    const { turns, stuckAt } = await killWhenStuck(dir, 'batch', 30, 10);
    const ended = turns.at(-1) as number;
    assert.equal(ended, 3000);
    assert.equal(stuckAt, 3050);
    const { spool } = open(t, dir);
    assert.deepEqual(
      allRecovered(spool).map((e) => e.id),
      ids(ended),
    );
    assert.equal(spool.stats().tornRecords, 0);
  });

  it('event: keeps every event whose append had returned, the interrupted turn included', async (t) => {
    const dir = tempDir(t);
    const { stuckAt } = await killWhenStuck(dir, 'event', 30);
    assert.equal(stuckAt, 3050);
    const { spool } = open(t, dir);
    const recovered = allRecovered(spool);
    assert.deepEqual(
      recovered.map((e) => e.id),
      ids(stuckAt),
    );
    assert.equal(recovered[3049]?.json.includes('"n":3049'), true);
  });
});
