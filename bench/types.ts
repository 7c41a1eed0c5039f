/** Parameters and results passed between the runner and the scenario processes. */

/** (a) a burst held by the default 1 s throttle; (b) a steady stream under a 10 ms throttle. */
export type Shape = 'burst' | 'steady';

export type PipelineKind = 'noop' | 'webhook' | 'otlp' | 'raw';

/** One pipeline of the comparison. */
export interface PipelineSpec {
  /** Short name, used in sink keys and to find rows. */
  readonly id: string;
  readonly label: string;
  readonly kind: PipelineKind;
  /** webhook only: with a spool in a fresh temporary directory, plus these extra options (one spool mode). */
  readonly spool?: Readonly<Record<string, unknown>>;
  /** otlp only: `maxExportBatchSize`; unset keeps the SDK's default. */
  readonly otlpBatch?: number;
}

/** What every scenario process gets. */
export interface CommonParams {
  /** The installed package's entry file (resolved from the install directory's node_modules). */
  readonly entry: string;
  /** The sink's base URL, `http://127.0.0.1:<port>`. */
  readonly sink: string;
  /** The sink key this scenario's requests are counted under. */
  readonly key: string;
  readonly seed: number;
  /** The run's records file (`bench/records.ts`): warm-up records first, then the measured ones. */
  readonly records: string;
}

export interface PipelineParams extends CommonParams {
  readonly spec: PipelineSpec;
  readonly shape: Shape;
  /** Records measured. */
  readonly events: number;
  /** Other records run through first, delivered, not measured. */
  readonly warmup: number;
  /** Times they are run through (the first one's CPU is reported as what a freshly started process pays). */
  readonly warmupRounds: number;
  /** Bursts the first round is emitted in, each delivered before the next. */
  readonly warmupBursts: number;
  /** Steady shape: emits between two `setImmediate` turns. */
  readonly yieldEvery: number;
  /** Steady shape: the webhook throttle and the batch processor's scheduled delay. */
  readonly steadyThrottleMillis: number;
  /** Where to write a CPU profile of the measured part, if one is wanted. */
  readonly profile?: string;
}

/** The sink's totals for one key. */
export interface SinkTotals {
  readonly requests: number;
  readonly events: number;
  readonly bytes: number;
  readonly failedRequests: number;
}

export interface PipelineResult {
  readonly spec: PipelineSpec;
  readonly shape: Shape;
  readonly events: number;
  /** Process CPU (user + system, every thread) over the measured part, µs. */
  readonly cpuMicros: number;
  /** The warm-up before it (the first records after start): records, process CPU, what the sink counted. */
  readonly warmupEvents: number;
  readonly warmupCpuMicros: number;
  readonly warmupReceived: number;
  readonly wallMillis: number;
  /** RSS when the measured part started and the process's peak RSS, MiB. */
  readonly rssStartMiB: number;
  readonly peakRssMiB: number;
  readonly loopDelayP99Millis: number;
  readonly loopDelayMaxMillis: number;
  /** What the sink counted for the measured part. */
  readonly received: number;
  readonly receivedBytes: number;
  readonly requests: number;
  /** Drops the pipeline reports (webhook only). */
  readonly dropped: number;
}

export interface EmitLatencyParams extends CommonParams {
  /** Emits per series before timing. */
  readonly warmup: number;
  /** Timed rounds; each times `perRound` emits of every series. */
  readonly rounds: number;
  readonly perRound: number;
  /** Distinct records per pool, cycled. */
  readonly pool: number;
  readonly throttleMillis: number;
}

export interface LatencySummary {
  readonly median: number;
  readonly p99: number;
  readonly mean: number;
  /**
   * Process CPU per emit, ns, over the timed rounds: the emits and the work they leave for the
   * end of their turn of the event loop (the webhook writes its records there), until the next
   * turn begins.
   */
  readonly cpuPerEmit: number;
}

export interface EmitLatencyResult {
  readonly timedPerSeries: number;
  /** ns per `logger.emit`, one emit timed at a time. */
  readonly noopSelected: LatencySummary;
  readonly webhookSelected: LatencySummary;
  readonly noopFiltered: LatencySummary;
  readonly webhookFiltered: LatencySummary;
  /** Filtered-out records through a provider with two no-op processors. */
  readonly twoNoopFiltered: LatencySummary;
  /** Filtered-out records through a provider with the no-op processor first, then the webhook. */
  readonly webhookAfterFiltered: LatencySummary;
  readonly delivered: number;
  readonly dropped: number;
}

export interface HeldParams extends CommonParams {
  /** Records held (emitted while the sink answers 503). */
  readonly events: number;
  readonly warmup: number;
  readonly yieldEvery: number;
}

export interface HeldResult {
  readonly events: number;
  /** What the processor holds after the emits, and its own count of their bytes. */
  readonly pending: number;
  readonly pendingBytes: number;
  /** Events held between the two readings, and the growth between them (after full collections), bytes. */
  readonly measuredEvents: number;
  readonly rssGrowth: number;
  readonly heapGrowth: number;
  readonly externalGrowth: number;
  /** Records kept referenced throughout (read from the records file). */
  readonly records: number;
}

export interface OutageParams extends CommonParams {
  readonly events: number;
  readonly yieldEvery: number;
  /** With a spool (in a fresh directory, large enough for every event): what memory has no room for waits there. */
  readonly spool?: boolean;
}

export interface OutageResult {
  readonly events: number;
  /** Distinct records (the records file), cycled. */
  readonly pool: number;
  readonly maxQueueEvents: number;
  readonly maxQueueBytes: number;
  readonly rssBaselineMiB: number;
  /** Highest RSS sampled (every `yieldEvery` emits and after) and the process's own peak, MiB. */
  readonly sampledPeakRssMiB: number;
  readonly maxRssMiB: number;
  readonly pending: number;
  readonly pendingBytes: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly failedRequests: number;
  readonly wallMillis: number;
  readonly cpuMillis: number;
  /** With a spool: the bytes of the records it holds at the end. */
  readonly spoolBytes?: number;
  /** With a spool: a new processor started on it once the outage is over (see outage.ts). */
  readonly restart?: RestartResult;
}

/** A processor started on the spool an outage left. */
export interface RestartResult {
  /** How long its constructor took. */
  readonly constructorMillis: number;
  /** From the constructor's return until the sink had the first request carrying the backlog. */
  readonly firstRequestMillis: number;
  /** Longest event-loop delay over that time (1 ms resolution; see watchLoopDelay). */
  readonly loopDelayMaxMillis: number;
}
