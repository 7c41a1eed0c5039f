import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './poll.ts';

/** The CLI entry point, run from source with the Node running the tests. */
export const CLI_MAIN: string = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** A path under test/fixtures/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** How a CLI run ended. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Collected {
  stdout: string;
  stderr: string;
  readonly exit: Promise<CliResult>;
}

function launch(
  args: readonly string[],
  timeoutMillis: number,
  env: NodeJS.ProcessEnv | undefined,
): { child: ChildProcess; out: Collected } {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    env: { ...process.env, NO_COLOR: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Collected = {
    stdout: '',
    stderr: '',
    exit: new Promise<CliResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`otel-webhooks ${args.join(' ')} still running after ${timeoutMillis} ms\n${out.stdout}\n${out.stderr}`));
      }, timeoutMillis);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout: out.stdout, stderr: out.stderr });
      });
    }),
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    out.stderr += chunk;
  });
  return { child, out };
}

/**
 * Runs `otel-webhooks <args>` to completion, with `input` on stdin (a string, or a stream piped
 * in until the command stops reading); killed after `timeoutMillis`.
 */
export async function runCli(
  args: readonly string[],
  options: { input?: string | NodeJS.ReadableStream; timeoutMillis?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const { child, out } = launch(args, options.timeoutMillis ?? 20_000, options.env);
  const { input } = options;
  if (typeof input === 'object') {
    // The command may stop reading before the input ends.
    child.stdin?.on('error', () => undefined);
    input.pipe(child.stdin as NodeJS.WritableStream);
  } else {
    child.stdin?.end(input ?? '');
  }
  return out.exit;
}

/** A running `otel-webhooks listen`. */
export interface Listener {
  /** The URL it printed, without a trailing slash. */
  readonly url: string;
  /** Output so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves once `predicate` holds for the output so far; rejects after `timeoutMillis`. */
  waitFor(predicate: (output: { stdout: string; stderr: string }) => boolean, timeoutMillis?: number): Promise<void>;
  /** Sends SIGTERM and resolves with how it ended. */
  stop(): Promise<CliResult>;
}

/** Starts `otel-webhooks listen <args>` and waits for the URL it prints. */
export async function startListener(args: readonly string[]): Promise<Listener> {
  const { child, out } = launch(['listen', ...args], 60_000, undefined);
  let ended: CliResult | undefined;
  void out.exit.then(
    (result) => {
      ended = result;
    },
    () => undefined,
  );
  const urlPattern = /Listening on (http:\/\/\S+?)\/? /;
  const text = (): string => out.stdout + out.stderr;
  try {
    await waitUntil(
      () => urlPattern.test(text()) || ended !== undefined,
      10_000,
      () => `the listener's URL in:\n${text()}`,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const url = urlPattern.exec(text())?.[1];
  if (url === undefined) throw new Error(`listen exited before listening:\n${text()}`);
  return {
    url,
    output: () => ({ stdout: out.stdout, stderr: out.stderr }),
    waitFor: (predicate, timeoutMillis = 10_000) =>
      waitUntil(
        () => predicate({ stdout: out.stdout, stderr: out.stderr }),
        timeoutMillis,
        () => `listener output:\n${text()}`,
      ),
    stop: () => {
      if (ended === undefined) child.kill('SIGTERM');
      return out.exit;
    },
  };
}
