import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { openSpool, WebhookSpoolError } from '../../src/spool/spool.ts';
import { bootId, hasProc, lockNaming, readProc, waitForCommand, waitForState } from '../helpers/proc.ts';
import { event, open, quiet, tempDir } from '../helpers/spool.ts';

const HOLDER = fileURLToPath(new URL('../fixtures/spool-holder.ts', import.meta.url));
const SPOOL_MODULE = new URL('../../src/spool/spool.ts', import.meta.url).href;
const linuxOnly = { skip: hasProc ? false : 'needs /proc' };

function exitedPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  assert.ok(pid !== undefined && pid > 0);
  return pid;
}

function isLocked(dir: string, pid: number): (error: unknown) => boolean {
  return (error) =>
    error instanceof WebhookSpoolError &&
    error.code === 'ERR_WEBHOOK_SPOOL_LOCKED' &&
    error.message.includes(dir) &&
    error.message.includes(pid === process.pid ? `pid ${pid}` : `process ${pid}`);
}

/** Starts a process and kills it (and waits for it) when the test ends. */
function started(t: TestContext, command: string, args: readonly string[]): ChildProcess & { pid: number } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  t.after(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  assert.ok(child.pid !== undefined);
  return child as ChildProcess & { pid: number };
}

/** The lines a child printed, once it has printed `count` of them. */
function linesOf(child: ChildProcess, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      text += chunk;
      const lines = text.split('\n');
      if (lines.length > count) resolve(lines.slice(0, count));
    });
    child.once('exit', () => reject(new Error(`exited after printing ${JSON.stringify(text)}`)));
  });
}

/**
 * A process that stays a zombie until the test ends: `bash` starts `script` in the background,
 * prints its pid and becomes `sleep`, which never reaps it; then it is killed. With `ready`, the
 * script's own first line must be `ready` before the kill.
 */
async function zombieOf(t: TestContext, script: string, args: readonly string[], ready: boolean): Promise<number> {
  const parent = started(t, 'bash', ['-c', `${script} & echo $!; exec sleep 60`, ...args]);
  const lines = await linesOf(parent, ready ? 2 : 1);
  if (ready) assert.equal(lines[1], 'ready');
  const zombie = Number(lines[0]);
  // Killed before bash has become sleep, the child would be reaped by bash.
  await waitForCommand(parent.pid, 'sleep');
  process.kill(zombie, 'SIGKILL');
  await waitForState(zombie, 'Z');
  return zombie;
}

describe('spool lock', () => {
  it('refuses a second open of a directory that is already open', (t) => {
    const dir = tempDir(t);
    const first = open(t, dir);
    assert.throws(() => openSpool(dir, { maxBytes: 1000, log: quiet }), isLocked(dir, process.pid));
    first.spool.close();
    assert.doesNotThrow(() => open(t, dir));
  });

  it('refuses a second open through another path to the same directory', (t) => {
    const dir = tempDir(t);
    const real = join(dir, 'real');
    const link = join(dir, 'link');
    open(t, real);
    symlinkSync(real, link);
    assert.throws(
      () => openSpool(link, { maxBytes: 1000, log: quiet }),
      (error: unknown) => error instanceof WebhookSpoolError && error.code === 'ERR_WEBHOOK_SPOOL_LOCKED',
    );
  });

  it('refuses a second open from a worker thread of the same process', linuxOnly, async (t) => {
    const dir = tempDir(t);
    open(t, dir);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.module).then(({ openSpool }) => {
        try {
          openSpool(workerData.dir, { maxBytes: 1000, log: { warn() {}, debug() {} } });
          parentPort.postMessage('opened');
        } catch (error) {
          parentPort.postMessage(error.code + ': ' + error.message);
        }
      });`;
    const worker = new Worker(code, { eval: true, workerData: { module: SPOOL_MODULE, dir } });
    const answer = await new Promise<string>((resolve) => worker.once('message', resolve));
    await worker.terminate();
    assert.match(answer, new RegExp(`^ERR_WEBHOOK_SPOOL_LOCKED: .*this process \\(pid ${process.pid}\\)`));
  });

  it('refuses a directory held by another running process', async (t) => {
    const dir = tempDir(t);
    const holder = started(t, process.execPath, [HOLDER, dir]);
    assert.deepEqual(await linesOf(holder, 1), ['ready']);
    assert.throws(() => openSpool(dir, { maxBytes: 1000, log: quiet }), isLocked(dir, holder.pid));
  });

  it('refuses a directory held by a running process whose name holds spaces and parentheses', linuxOnly, async (t) => {
    const dir = tempDir(t);
    const holder = started(t, process.execPath, [HOLDER, dir, 'x) Z 1 2 (y']);
    assert.deepEqual(await linesOf(holder, 1), ['ready']);
    assert.match(readFileSync(`/proc/${holder.pid}/stat`, 'latin1'), /^\d+ \(x\) Z 1 2 \(y\) [RSD] /);
    assert.throws(() => openSpool(dir, { maxBytes: 1000, log: quiet }), isLocked(dir, holder.pid));
  });

  it('refuses a directory whose pid-only lock (of an earlier version) names a running process', (t) => {
    const dir = tempDir(t);
    const other = started(t, 'sleep', ['60']);
    writeFileSync(join(dir, 'spool.lock'), `${other.pid}\n`);
    assert.throws(() => openSpool(dir, { maxBytes: 1000, log: quiet }), isLocked(dir, other.pid));
  });

  it('takes over the lock of a process that is no longer running, with a warning', (t) => {
    const dir = tempDir(t);
    const dead = exitedPid();
    writeFileSync(join(dir, 'spool.lock'), `${dead}\n`);
    const { spool, warnings } = open(t, dir);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, new RegExp(`lock of process ${dead}, which is no longer running`));
    const own = hasProc ? lockNaming(process.pid, readProc(process.pid)?.startTime ?? '') : `${process.pid}\n`;
    assert.equal(readFileSync(join(dir, 'spool.lock'), 'utf8'), own);
    spool.close();
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.startsWith('spool.lock')),
      [],
    );
  });

  it('takes over the lock of a killed owner that is still a zombie, and recovers its events', linuxOnly, async (t) => {
    const dir = tempDir(t);
    const zombie = await zombieOf(t, '"$0" "$1" "$2"', [process.execPath, HOLDER, dir], true);
    const { spool, warnings } = open(t, dir);
    assert.equal(spool.recovered.length, 3);
    assert.deepEqual(warnings, [
      `spool ${dir}: took over the lock of process ${zombie}, which has exited (a zombie its parent has not reaped yet)`,
    ]);
  });

  it('takes over a pid-only lock (of an earlier version) naming a zombie', linuxOnly, async (t) => {
    const dir = tempDir(t);
    const zombie = await zombieOf(t, 'sleep 60', [], false);
    writeFileSync(join(dir, 'spool.lock'), `${zombie}\n`);
    const { warnings } = open(t, dir);
    assert.match(warnings.join('\n'), new RegExp(`lock of process ${zombie}, which has exited \\(a zombie`));
  });

  it('takes over a lock whose pid now belongs to another process', linuxOnly, (t) => {
    const dir = tempDir(t);
    const other = started(t, 'sleep', ['60']);
    const startTime = BigInt(readProc(other.pid)?.startTime ?? '0');
    writeFileSync(join(dir, 'spool.lock'), lockNaming(other.pid, startTime - 1n));
    const { warnings } = open(t, dir);
    assert.deepEqual(warnings, [
      `spool ${dir}: took over the lock of process ${other.pid}, which is no longer running (its pid now belongs to another process)`,
    ]);
  });

  it('takes over a lock naming its own pid with another start time (a restarted container)', linuxOnly, (t) => {
    const dir = tempDir(t);
    const startTime = BigInt(readProc(process.pid)?.startTime ?? '0');
    writeFileSync(join(dir, 'spool.lock'), lockNaming(process.pid, startTime + 1n));
    const { spool, warnings } = open(t, dir);
    assert.equal(spool.append(event(0)), true);
    assert.match(warnings.join('\n'), new RegExp(`lock of process ${process.pid}, which is no longer running \\(its pid now belongs`));
  });

  it('takes over a pid-only lock (of an earlier version) naming its own pid (a restarted container)', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'spool.lock'), `${process.pid}\n`);
    const { spool, warnings } = open(t, dir);
    assert.equal(spool.append(event(0)), true);
    assert.match(warnings.join('\n'), new RegExp(`lock of process ${process.pid}, which was an earlier process with the same pid`));
  });

  it('takes over a lock written before the system restarted, even when its pid and start time match a running process', linuxOnly, (t) => {
    const dir = tempDir(t);
    const other = started(t, 'sleep', ['60']);
    const earlierBoot =
      bootId() === '00000000-0000-0000-0000-000000000000' ? '11111111-1111-1111-1111-111111111111' : '00000000-0000-0000-0000-000000000000';
    writeFileSync(join(dir, 'spool.lock'), lockNaming(other.pid, readProc(other.pid)?.startTime ?? '', earlierBoot));
    const { warnings } = open(t, dir);
    assert.match(warnings.join('\n'), new RegExp(`lock of process ${other.pid}, which ran before the system restarted`));
  });

  it('refuses a lock naming a running process with its start time', linuxOnly, (t) => {
    const dir = tempDir(t);
    const other = started(t, 'sleep', ['60']);
    writeFileSync(join(dir, 'spool.lock'), lockNaming(other.pid, readProc(other.pid)?.startTime ?? ''));
    assert.throws(() => openSpool(dir, { maxBytes: 1000, log: quiet }), isLocked(dir, other.pid));
  });
});
