/**
 * Helpers for scenario processes: read parameters, load the package under test, sample CPU,
 * memory and event-loop delay, report one result. Each scenario runs in a fresh process, so
 * `maxRSS` is the peak of that scenario alone.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type * as Package from '../src/index.ts';
import type { SinkTotals } from './types.ts';

/** The package's public API, as its installed entry file provides it. */
export type PackageUnderTest = typeof Package;

/** The scenario's parameters, passed by the runner as one JSON argument. */
export function scenarioParams<T>(): T {
  const text = process.argv[2];
  if (text === undefined) throw new Error('expected the scenario parameters as a JSON argument');
  return JSON.parse(text) as T;
}

/** Imports the installed package (the tarball's build, not the repository's sources). */
export async function loadPackage(entry: string): Promise<PackageUnderTest> {
  return (await import(pathToFileURL(entry).href)) as PackageUnderTest;
}

export const MiB: number = 1024 * 1024;

/** Process CPU, user + system over every thread (GC and compiler threads included), µs. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export function peakRssMiB(): number {
  return (process.resourceUsage().maxRSS * 1024) / MiB;
}

/**
 * Event-loop delay over a stretch of the run: call `stop()` at its end. The histogram holds the
 * time between two runs of a 1 ms timer (kept in C++, no JavaScript callback), so its maximum
 * bounds the longest task from above, within 1 ms; an idle loop shows about 1 ms. (At the
 * default 10 ms resolution, every value would include up to 10 ms of the timer's own interval.)
 */
export function watchLoopDelay(): { stop(): { p99Millis: number; maxMillis: number } } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      return { p99Millis: histogram.percentile(99) / 1e6, maxMillis: histogram.max / 1e6 };
    },
  };
}

/** Lets timers and I/O run (one turn of the event loop). */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The sink's totals for `key`. */
export async function sinkTotals(sink: string, key: string): Promise<SinkTotals> {
  const response = await fetch(`${sink}/stats/${key}`);
  return (await response.json()) as SinkTotals;
}

/**
 * The sink's totals for `key` once it has had more than `failedAbove` failed requests (30 s at
 * most): one request held by the sink, instead of asking it again and again from the process
 * whose event loop is being measured.
 */
export async function sinkTotalsAfterFailure(sink: string, key: string, failedAbove: number): Promise<SinkTotals> {
  const response = await fetch(`${sink}/wait/${key}/${failedAbove}`);
  return (await response.json()) as SinkTotals;
}

/** Prints the scenario's result as the last line of stdout, for the runner to read. */
export function reportResult(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
