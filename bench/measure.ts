/**
 * Helpers for scenario processes: read parameters, sample CPU and memory, report one result.
 * Each scenario runs in a fresh process, so `maxRSS` is the peak of that scenario alone.
 */

/** The scenario's parameters, passed by the runner as one JSON argument. */
export function scenarioParams<T>(): T {
  const text = process.argv[2];
  if (text === undefined) throw new Error('expected the scenario parameters as a JSON argument');
  return JSON.parse(text) as T;
}

/** A point in time for {@link usageSince}. */
export interface UsageMark {
  readonly wallNanos: bigint;
  readonly cpu: NodeJS.CpuUsage;
}

export function markUsage(): UsageMark {
  return { wallNanos: process.hrtime.bigint(), cpu: process.cpuUsage() };
}

/** Wall and CPU time since `mark`, and the process's memory now and at its peak. */
export interface Usage {
  readonly wallMillis: number;
  /** User + system CPU time of this process. */
  readonly cpuMillis: number;
  /** Peak resident set size of this process so far, MiB. */
  readonly peakRssMiB: number;
  readonly heapUsedMiB: number;
}

export function usageSince(mark: UsageMark): Usage {
  const cpu = process.cpuUsage(mark.cpu);
  return {
    wallMillis: Number(process.hrtime.bigint() - mark.wallNanos) / 1e6,
    cpuMillis: (cpu.user + cpu.system) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    heapUsedMiB: process.memoryUsage().heapUsed / (1024 * 1024),
  };
}

/** Lets timers and I/O run (one turn of the event loop). */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Prints the scenario's result as the last line of stdout, for the runner to read. */
export function reportResult(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
