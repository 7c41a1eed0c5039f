// End to end, as a user runs the package: no event is lost however the process lives.
//
// The package is installed from `npm pack` into a temporary directory (test/helpers/packed.ts)
// and the scripts of test/fixtures/lifetime/ — what a user would write, with nothing else
// holding the event loop — run there in their own Node process, against receivers that are
// separate processes too (test/helpers/lifetime.ts), so that nothing of the test runner keeps
// the process under test alive. Each script emits EVENTS records with a sequence number `n` in
// their attributes; a case passes when the script exits 0 (13 would mean a top-level `await`
// that never settled) and the receiver accepted (2xx) every `n` exactly once, with distinct
// ids, the right type and a valid signature.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type Behaviour,
  type ChildRun,
  deliveryProblems,
  describeRun,
  downUrl,
  EVENTS,
  exitProblems,
  FIXTURES,
  hasExitReport,
  killChildren,
  type ReceiverProcess,
  scriptLines,
  sleep,
  startReceiverProcess,
  startScript,
  until,
} from './helpers/lifetime.ts';
import { installPacked, type PackedInstall } from './helpers/packed.ts';

/** How long to wait for the receiver's last lines after the child has exited. */
const SETTLE_MILLIS = 1_000;
const CONCURRENCY = 6;

let packed: PackedInstall | undefined;
const receivers = new Map<string, ReceiverProcess>();
const spoolDirs: string[] = [];

function receiver(name: string): ReceiverProcess {
  const found = receivers.get(name);
  if (found === undefined) throw new Error(`no receiver ${name}`);
  return found;
}

function run(script: string, url: string, env?: Readonly<Record<string, string>>): ReturnType<typeof startScript> {
  if (packed === undefined) throw new Error('the package is not installed');
  return startScript(packed.dir, script, url, env);
}

before(async () => {
  packed = installPacked();
  for (const file of readdirSync(FIXTURES)) {
    if (file !== 'receiver-process.mjs') copyFileSync(join(FIXTURES, file), join(packed.dir, file));
  }
  const started = await Promise.all([
    startReceiverProcess('ok'),
    startReceiverProcess('slow', 300),
    startReceiverProcess('fail-once'),
    startReceiverProcess('retry-after'),
    // For the SIGTERM case: an answer that never comes before the signal.
    startReceiverProcess('slow', 10_000),
  ]);
  for (const [i, name] of ['ok', 'slow', 'fail-once', 'retry-after', 'slow-long'].entries())
    receivers.set(name, started[i] as ReceiverProcess);
});

after(() => {
  killChildren();
  packed?.cleanup();
  for (const dir of spoolDirs) rmSync(dir, { recursive: true, force: true });
});

/** The scripts that must deliver everything, and whether they print a `done` line when their promise settles. */
const SCRIPTS: readonly { file: string; what: string; done: boolean }[] = [
  { file: 'control-held-shutdown.mjs', what: "control: await shutdown() with a ref'd interval holding the loop", done: true },
  { file: 'esm-await-shutdown.mjs', what: 'ESM, top-level await provider.shutdown()', done: true },
  { file: 'esm-await-flush.mjs', what: 'ESM, top-level await provider.forceFlush(), no shutdown', done: true },
  { file: 'esm-shutdown-then.mjs', what: 'ESM, provider.shutdown().then(…)', done: true },
  { file: 'esm-no-shutdown.mjs', what: 'ESM, neither shutdown() nor forceFlush() (delivered on beforeExit)', done: false },
  { file: 'cjs-shutdown-then.cjs', what: 'CJS, provider.shutdown().then(…)', done: true },
  { file: 'esm-two-waves.mjs', what: 'ESM, a second wave emitted while the first request is in flight, then await shutdown()', done: true },
  { file: 'esm-exporter-flush.mjs', what: 'ESM, the exporter behind SimpleLogRecordProcessor, await exporter.forceFlush()', done: true },
];
const BEHAVIOURS: readonly Behaviour[] = ['ok', 'slow', 'fail-once', 'retry-after'];

describe('every event is delivered exactly once however the process ends', { concurrency: CONCURRENCY }, () => {
  for (const script of SCRIPTS) {
    for (const behaviour of BEHAVIOURS) {
      it(`${script.what}; receiver ${behaviour}`, async () => {
        const r = receiver(behaviour);
        const path = `/${script.file}/${behaviour}`;
        const ended = await run(script.file, `${r.url}${path}`).done;
        await until(() => deliveryProblems(r.requests(path)).length === 0, SETTLE_MILLIS);
        const problems = [...exitProblems(ended), ...deliveryProblems(r.requests(path))];
        if (script.done && !ended.stdout.includes('"done"'))
          problems.push('the shutdown()/forceFlush() promise never settled (no "done" line)');
        assert.deepEqual(problems, [], describeRun(ended));
      });
    }
  }
});

/** The `afterMillis` of the script's exit line: how long it lived. */
function lifetimeMillis(ended: ChildRun): number {
  const exit = scriptLines(ended).find((line) => 'exit' in line);
  return Number(exit?.['afterMillis']);
}

describe('what cannot be delivered is reported, and the process still ends', { concurrency: CONCURRENCY }, () => {
  it('process.exit(0) right after emitting, receiver down: the exit report counts them as dropped', async () => {
    const ended = await run('esm-exit-now.mjs', `${await downUrl()}/exit-now`).done;
    assert.deepEqual(exitProblems(ended), [], describeRun(ended));
    assert.ok(
      hasExitReport(`${ended.stdout}\n${ended.stderr}`, EVENTS),
      `no report of ${EVENTS} undelivered events\n${describeRun(ended)}`,
    );
  });

  it('process.exit(0) right after emitting, with a spool: nothing is sent, and the next start delivers them all', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'lifetime-spool-'));
    spoolDirs.push(spoolDir);
    const r = receiver('ok');
    const path = '/exit-now-spool/ok';
    const first = await run('esm-exit-now.mjs', `${r.url}${path}`, { SPOOL_DIR: spoolDir }).done;
    assert.deepEqual(exitProblems(first), [], describeRun(first));
    assert.ok(hasExitReport(`${first.stdout}\n${first.stderr}`, EVENTS, true), describeRun(first));
    assert.equal(r.requests(path).length, 0, 'the first process sent nothing');
    const second = await run('esm-await-shutdown.mjs', `${r.url}${path}`, { SPOOL_DIR: spoolDir, EVENT_COUNT: '0' }).done;
    await until(() => deliveryProblems(r.requests(path)).length === 0, SETTLE_MILLIS);
    assert.deepEqual([...exitProblems(second), ...deliveryProblems(r.requests(path))], [], describeRun(second));
  });

  it('with a spool, enough events to fill several segment files: all delivered, and only the file in use is left', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'lifetime-spool-'));
    spoolDirs.push(spoolDir);
    const r = receiver('ok');
    const path = '/segments-spool/ok';
    const count = 100_000;
    const ended = await run('esm-await-shutdown.mjs', `${r.url}${path}`, { SPOOL_DIR: spoolDir, EVENT_COUNT: String(count) }).done;
    await until(() => deliveryProblems(r.requests(path), count).length === 0, SETTLE_MILLIS);
    assert.deepEqual([...exitProblems(ended), ...deliveryProblems(r.requests(path), count)], [], describeRun(ended));
    // The spool of the webhook: one directory below spoolDir, its segment files ending in .log.
    const segments = readdirSync(spoolDir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.log'));
    assert.equal(segments.length, 1, `segment files left: ${segments.join(', ')}`);
    // Files are numbered in order from 1: the one left is at least the fourth, so three or more were filled and deleted.
    const number = Number(/segment-(\d+)\.log$/.exec(segments[0] as string)?.[1]);
    assert.ok(number >= 4, `the segment left is ${segments[0]}: fewer segment files filled than expected`);
  });

  it('process.exit(0) while exporter exports wait to retry: the exit report counts their events', async () => {
    const ended = await run('esm-exporter-exit.mjs', `${await downUrl()}/exporter-exit`).done;
    assert.deepEqual(exitProblems(ended), [], describeRun(ended));
    // The exporter runs on the processor's engine: the same report, its events counted as dropped.
    assert.ok(hasExitReport(`${ended.stdout}\n${ended.stderr}`, EVENTS), describeRun(ended));
  });

  it('SIGTERM without a handler of the application, request in flight: reported, then ended by SIGTERM', async () => {
    const r = receiver('slow-long');
    const path = '/esm-sigterm.mjs/slow-long';
    const { child, done } = run('esm-sigterm.mjs', `${r.url}${path}`);
    const inFlight = await until(() => r.requests(path).length > 0 || child.exitCode !== null, 10_000);
    assert.ok(inFlight && r.requests(path).length > 0, 'the request never reached the receiver');
    child.kill('SIGTERM');
    const ended = await Promise.race([done, sleep(10_000).then(() => undefined)]);
    if (ended === undefined) child.kill('SIGKILL');
    const last = await done;
    assert.ok(ended !== undefined, `still running 10 s after SIGTERM\n${describeRun(last)}`);
    assert.equal(last.signal, 'SIGTERM', `the default action of the signal is kept\n${describeRun(last)}`);
    assert.ok(hasExitReport(`${last.stdout}\n${last.stderr}`, EVENTS), `no report of ${EVENTS} undelivered events\n${describeRun(last)}`);
  });

  for (const [how, env] of [
    ['process.on', {}],
    ['process.once', { LISTEN_ONCE: '1' }],
  ] as const) {
    it(`SIGTERM with the application's own handler (${how}): its handler decides (shutdown, exit code 7)`, async () => {
      const r = receiver('slow');
      const path = `/esm-app-sigterm.mjs/slow/${how}`;
      const { child, done } = run('esm-app-sigterm.mjs', `${r.url}${path}`, env);
      assert.ok(await until(() => r.requests(path).length > 0, 10_000), 'the request never reached the receiver');
      child.kill('SIGTERM');
      const ended = await done;
      await until(() => deliveryProblems(r.requests(path)).length === 0, SETTLE_MILLIS);
      assert.deepEqual([...exitProblems(ended, 7), ...deliveryProblems(r.requests(path))], [], describeRun(ended));
      assert.ok(ended.stdout.includes('"done"'), describeRun(ended));
    });
  }

  it('an idle processor does not keep the process alive', async () => {
    const r = receiver('ok');
    const path = '/esm-idle.mjs/ok';
    const ended = await run('esm-idle.mjs', `${r.url}${path}`).done;
    assert.deepEqual([...exitProblems(ended), ...deliveryProblems(r.requests(path))], [], describeRun(ended));
    const lines = scriptLines(ended);
    const idleMillis = Number(lines.find((l) => 'exit' in l)?.['at']) - Number(lines.find((l) => 'done' in l)?.['at']);
    assert.ok(idleMillis < 1_000, `the process lived ${idleMillis} ms after its last delivery\n${describeRun(ended)}`);
  });

  it('never shut down, receiver down: delivery is tried for shutdown-timeout, then the process ends and reports', async () => {
    const ended = await run('esm-no-shutdown-options.mjs', `${await downUrl()}/give-up`, { SHUTDOWN_TIMEOUT: '1500ms' }).done;
    assert.deepEqual(exitProblems(ended), [], describeRun(ended));
    const lived = lifetimeMillis(ended);
    assert.ok(lived >= 1_500 && lived < 6_000, `lived ${lived} ms\n${describeRun(ended)}`);
    assert.ok(hasExitReport(`${ended.stdout}\n${ended.stderr}`, EVENTS), describeRun(ended));
  });

  it('never shut down, deliverOnExit: false: the process ends at once and reports', async () => {
    const ended = await run('esm-no-shutdown-options.mjs', `${await downUrl()}/off`, { DELIVER_ON_EXIT: 'false' }).done;
    assert.deepEqual(exitProblems(ended), [], describeRun(ended));
    assert.ok(lifetimeMillis(ended) < 1_000, describeRun(ended));
    assert.ok(hasExitReport(`${ended.stdout}\n${ended.stderr}`, EVENTS), describeRun(ended));
  });

  it('never shut down, with a spool: the process ends at once; the report says the spool holds them', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'lifetime-spool-'));
    spoolDirs.push(spoolDir);
    const ended = await run('esm-no-shutdown-options.mjs', `${await downUrl()}/spool`, { SPOOL_DIR: spoolDir }).done;
    assert.deepEqual(exitProblems(ended), [], describeRun(ended));
    assert.ok(lifetimeMillis(ended) < 1_000, describeRun(ended));
    assert.ok(hasExitReport(`${ended.stdout}\n${ended.stderr}`, EVENTS, true), describeRun(ended));
  });
});
