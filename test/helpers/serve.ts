// `otel-webhooks serve` as a child process, and the OTLP sender script of
// test/fixtures/gateway/, for the gateway's end-to-end tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI_MAIN } from './cli.ts';
import { becomesTrue } from './poll.ts';

const SENDER = join(import.meta.dirname, '..', 'fixtures', 'gateway', 'otlp-sender.mjs');

/** How a child ended. */
export interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running child process with its output collected. */
export interface Child {
  readonly process: ChildProcess;
  output(): string;
  /** Resolves once the output matches; rejects after `timeoutMillis` or when the child ends first. */
  waitFor(pattern: RegExp, timeoutMillis?: number): Promise<RegExpExecArray>;
  /** Resolves when the child has exited (killed with SIGKILL after `timeoutMillis`). */
  ended(timeoutMillis?: number): Promise<Ended>;
}

const running = new Set<ChildProcess>();

/** Kills every child still running. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

function start(args: readonly string[]): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '' };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  const exit = new Promise<Ended>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  let done = false;
  void exit.then(() => {
    done = true;
  });
  return {
    process: child,
    output: () => text,
    async waitFor(pattern, timeoutMillis = 15_000) {
      await becomesTrue(() => pattern.test(text) || done, timeoutMillis);
      const match = pattern.exec(text);
      if (match !== null) return match;
      throw new Error(`${done ? 'exited before printing' : 'timed out waiting for'} ${pattern}:\n${text}`);
    },
    ended(timeoutMillis = 30_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMillis);
      return exit.finally(() => clearTimeout(timer));
    },
  };
}

/** `otel-webhooks serve <args>`, resolved once it listens, with the URL it printed. */
export async function startServe(args: readonly string[]): Promise<Child & { url: string }> {
  const child = start([CLI_MAIN, 'serve', ...args]);
  try {
    const [, url] = await child.waitFor(/listening on (https?:\/\/\S+) /);
    return { ...child, url: url as string };
  } catch (error) {
    child.process.kill('SIGKILL');
    throw error;
  }
}

/** The sender script: `count` auth.success records with n = first, first + 1, … through the real exporter for `protocol`. */
export function startSender(logsUrl: string, protocol: 'json' | 'protobuf', first: number, count: number, batch = 512): Child {
  return start([SENDER, logsUrl, protocol, String(first), String(count), String(batch)]);
}
