/**
 * The runner's side of the benchmark processes: starts the sink process, runs one scenario
 * per fresh process and reads back its JSON result. Every child gets a deadline and is killed
 * (by its own handle) if it overruns, so a run always ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = new URL('./', import.meta.url);

export interface BenchSink {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`sink exited (${code}) before listening`)));
  });
}

/** Starts `bench/sink.ts` in its own process and waits until it listens. */
export async function startSink(): Promise<BenchSink> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('sink.ts', BENCH_DIR))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const { port } = JSON.parse(await firstLine(child)) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs `bench/<script>` with `params` (as one JSON argument) in a fresh process and resolves
 * with the JSON object it printed last. Rejects if it fails or outlives `timeoutMillis`.
 */
export async function runScenario<T>(script: string, params: object, timeoutMillis: number, nodeArgs: readonly string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(new URL(script, BENCH_DIR)), JSON.stringify(params)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => {
    output += text;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMillis);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (timedOut) throw new Error(`${script} ${JSON.stringify(params)} took longer than ${timeoutMillis} ms`);
  const last = output.trim().split('\n').at(-1);
  if (code !== 0 || last === undefined || last === '') {
    throw new Error(`${script} ${JSON.stringify(params)} failed (exit ${code})`);
  }
  return JSON.parse(last) as T;
}
