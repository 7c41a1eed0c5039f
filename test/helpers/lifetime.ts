// The harness of the lifetime tests (test/lifetime.test.ts): user scripts of
// test/fixtures/lifetime/ run from the packed package in their own Node process, against
// receivers that are separate processes too (test/fixtures/lifetime/receiver-process.mjs), so
// that nothing of the test runner keeps the process under test alive.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { becomesTrue } from './poll.ts';

export const FIXTURES: string = join(import.meta.dirname, '..', 'fixtures', 'lifetime');
const RECEIVER = join(FIXTURES, 'receiver-process.mjs');
export const KEY = 'lifetime-secret';
/** Records each script emits, with `n` = 0..EVENTS-1 in their attributes. */
export const EVENTS = 5;
export const CHILD_TIMEOUT_MILLIS = 20_000;

const children = new Set<ChildProcess>();

/** Kills every child process still running (receivers and scripts). */
export function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

/** See poll.ts. */
export const until: typeof becomesTrue = becomesTrue;

/** One request line of receiver-process.mjs. */
export interface RequestLine {
  readonly request: number;
  readonly path: string;
  readonly status: number;
  readonly ids: string[];
  readonly types: string[];
  readonly ns: (number | null)[];
  readonly signature: 'valid' | 'invalid' | 'missing' | null;
}

/** A receiver-process.mjs running in its own process. */
export interface ReceiverProcess {
  readonly url: string;
  /** The request lines printed so far for `path`. */
  requests(path: string): RequestLine[];
  readonly stderr: () => string;
}

export type Behaviour = 'ok' | 'slow' | 'fail-once' | 'retry-after';

export async function startReceiverProcess(behaviour: Behaviour, delayMillis?: number): Promise<ReceiverProcess> {
  const args = [RECEIVER, behaviour, ...(delayMillis === undefined ? [] : [String(delayMillis)])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WEBHOOK_KEY: KEY } });
  children.add(child);
  const lines: RequestLine[] = [];
  let url = '';
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const text of complete) {
      if (text === '') continue;
      const value = JSON.parse(text) as { url?: string; request?: number };
      if (typeof value.url === 'string') url = value.url;
      else if (typeof value.request === 'number') lines.push(value as RequestLine);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  if (!(await until(() => url !== '' || child.exitCode !== null, 10_000)) || url === '') {
    throw new Error(`receiver ${behaviour} did not start: ${stderr}`);
  }
  return { url, requests: (path) => lines.filter((line) => line.path === path), stderr: () => stderr };
}

/** How a child script ended. */
export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the test had to kill it after its time ran out. */
  readonly timedOut: boolean;
}

/**
 * A child script of the packed install in `dir`, started with WEBHOOK_URL, WEBHOOK_KEY,
 * EVENT_COUNT and `env`; `done` settles when it has exited.
 */
export function startScript(
  dir: string,
  script: string,
  url: string,
  extraEnv: Readonly<Record<string, string>> = {},
): { child: ChildProcess; done: Promise<ChildRun>; output: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env, WEBHOOK_URL: url, WEBHOOK_KEY: KEY, EVENT_COUNT: String(EVENTS), ...extraEnv };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [join(dir, script)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, CHILD_TIMEOUT_MILLIS);
  const done = new Promise<ChildRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
  return { child, done, output: () => `${stdout}\n${stderr}` };
}

export function describeRun(run: ChildRun): string {
  const ended = run.timedOut ? 'killed on timeout' : run.signal === null ? `exit code ${run.code}` : `signal ${run.signal}`;
  return `--- ${ended}\n--- stdout\n${run.stdout.trimEnd()}\n--- stderr\n${run.stderr.trimEnd()}`;
}

/** What is wrong with how the child ended, when it should have exited with `expected`. */
export function exitProblems(run: ChildRun, expected = 0): string[] {
  if (run.timedOut) return [`still running after ${CHILD_TIMEOUT_MILLIS} ms, killed`];
  if (run.signal !== null) return [`killed by ${run.signal}`];
  if (run.code === 13)
    return ['exit code 13: a top-level await never settled (the event loop emptied while shutdown()/forceFlush() was pending)'];
  if (run.code !== expected) return [`exit code ${run.code}`];
  return [];
}

/** What is wrong with what the receiver accepted on `path`: every n of 0..count-1 exactly once. */
export function deliveryProblems(requests: readonly RequestLine[], count: number = EVENTS): string[] {
  const accepted = requests.filter((r) => r.status >= 200 && r.status < 300);
  const ns = accepted.flatMap((r) => r.ns);
  const ids = accepted.flatMap((r) => r.ids);
  const problems: string[] = [];
  const seen = new Set<number | null>();
  const twice = new Set<number | null>();
  for (const n of ns) (seen.has(n) ? twice : seen).add(n);
  const missing = [...Array(count).keys()].filter((n) => !seen.has(n));
  const list = (items: readonly (number | null)[]): string =>
    items.length > 20 ? `${items.slice(0, 20).join(', ')}, …` : items.join(', ');
  if (missing.length > 0) problems.push(`receiver never accepted n = ${list(missing)} (${missing.length} of ${count} lost)`);
  if (twice.size > 0) problems.push(`receiver accepted n = ${list([...twice])} more than once`);
  if (new Set(ids).size !== ids.length) problems.push('receiver accepted an event id more than once');
  if (accepted.some((r) => r.types.some((t) => t !== 'auth.success')))
    problems.push('an event arrived with a type other than auth.success');
  if (requests.some((r) => r.signature !== 'valid'))
    problems.push(`a request had a ${requests.find((r) => r.signature !== 'valid')?.signature} signature`);
  return problems;
}

/** Lines that are not the scripts' own JSON output (the diag reports, warnings). */
export function reportLines(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('{'));
}

/** The exit report of `count` undelivered events, counted as dropped or, with `spool`, kept in the spool. */
export function hasExitReport(output: string, count: number, spool = false): boolean {
  const tail = spool ? 'they stay in the spool for the next start' : 'counted as dropped \\(shutdown\\)';
  const report = new RegExp(`webhook\\."lifetime" process exiting with ${count} events not delivered; ${tail}`);
  return reportLines(output).some((line) => report.test(line));
}

/** The JSON lines a script printed, parsed. */
export function scriptLines(run: ChildRun): Record<string, unknown>[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A localhost URL where nothing listens. */
export async function downUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}
