/** How much each scenario does, in a full run and in a `--quick` one, and which pipelines run. */
import type { PipelineSpec } from './types.ts';

export interface Plan {
  readonly name: 'full' | 'quick' | 'custom';
  /** Records measured per pipeline run, and other records run through first (not measured). */
  readonly events: number;
  readonly warmup: number;
  /** Times the warm-up records go through each pipeline before the measured part (only the first is measured, as "first … after start"). */
  readonly warmupRounds: number;
  /**
   * Bursts the first warm-up round is emitted in, each delivered before the next: the first
   * delivery of a process changes state that the emit path's compiled code relied on (V8 then
   * deoptimizes and compiles it again, once), so the measured part does not inherit that.
   */
  readonly warmupBursts: number;
  /** Runs of every pipeline in every shape, interleaved. */
  readonly repeats: number;
  /** Steady shape: emits between two turns of the event loop, and the throttle. */
  readonly yieldEvery: number;
  readonly steadyThrottleMillis: number;
  readonly latency: { readonly warmup: number; readonly rounds: number; readonly perRound: number; readonly pool: number };
  /** Records held in the held-memory scenario (at most the default queue cap of 100,000). */
  readonly held: number;
  readonly outage: { readonly events: number };
  readonly seed: number;
}

const COMMON = { yieldEvery: 1_000, steadyThrottleMillis: 10, seed: 20_251_125 } as const;

export const FULL_PLAN: Plan = {
  ...COMMON,
  name: 'full',
  events: 100_000,
  warmup: 100_000,
  warmupRounds: 1,
  warmupBursts: 2,
  repeats: 3,
  latency: { warmup: 50_000, rounds: 200, perRound: 1_000, pool: 20_000 },
  held: 100_000,
  outage: { events: 1_000_000 },
};

export const QUICK_PLAN: Plan = {
  ...COMMON,
  name: 'quick',
  events: 20_000,
  warmup: 20_000,
  warmupRounds: 1,
  warmupBursts: 2,
  repeats: 1,
  latency: { warmup: 10_000, rounds: 50, perRound: 1_000, pool: 5_000 },
  held: 20_000,
  outage: { events: 200_000 },
};

/** One spool durability mode: extra processor options beside `spoolDir`. */
export interface SpoolMode {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Today's one mode: the spool as configured by `spoolDir` alone. */
export const DEFAULT_SPOOL_MODES: readonly SpoolMode[] = [{ name: 'default', options: {} }];

/**
 * The spool modes to compare, from `--spool-modes` or `BENCH_SPOOL_MODES`: a JSON array of
 * `{"name": "...", "options": {...}}`, each `options` being processor options added to `spoolDir`.
 */
export function parseSpoolModes(text: string | undefined): readonly SpoolMode[] {
  if (text === undefined || text.trim() === '') return DEFAULT_SPOOL_MODES;
  const parsed: unknown = JSON.parse(text);
  const valid =
    Array.isArray(parsed) &&
    parsed.length > 0 &&
    parsed.every(
      (m) =>
        typeof m === 'object' &&
        m !== null &&
        typeof m.name === 'string' &&
        /^[a-z0-9-]+$/.test(m.name) &&
        typeof m.options === 'object' &&
        m.options !== null &&
        !Array.isArray(m.options),
    );
  if (!valid) throw new Error('spool modes: expected a JSON array of {"name": "kebab-case", "options": {...}}');
  return parsed as SpoolMode[];
}

/** The SDK batch processor's default `maxExportBatchSize`, and the webhook's default `max-batch-events`. */
export const OTLP_DEFAULT_BATCH = 512;
export const WEBHOOK_DEFAULT_BATCH = 1_000;

/** Every pipeline of the comparison; the first is the baseline the others are measured over. */
export function pipelineSpecs(spoolModes: readonly SpoolMode[]): PipelineSpec[] {
  return [
    { id: 'noop', label: 'SDK `LoggerProvider`, no-op processor (baseline)', kind: 'noop' },
    { id: 'webhook', label: '`WebhookLogRecordProcessor`', kind: 'webhook' },
    ...spoolModes.map(
      (mode): PipelineSpec => ({
        id: `spool-${mode.name}`,
        label: `\`WebhookLogRecordProcessor\` + spool (${mode.name})`,
        kind: 'webhook',
        spool: mode.options,
      }),
    ),
    { id: 'otlp-default', label: `\`BatchLogRecordProcessor\` (batch ${OTLP_DEFAULT_BATCH}) → OTLP/HTTP JSON`, kind: 'otlp' },
    {
      id: 'otlp-same-batch',
      label: `\`BatchLogRecordProcessor\` (batch ${WEBHOOK_DEFAULT_BATCH}) → OTLP/HTTP JSON`,
      kind: 'otlp',
      otlpBatch: WEBHOOK_DEFAULT_BATCH,
    },
    { id: 'raw', label: `raw limit: pre-built signed bodies of ${WEBHOOK_DEFAULT_BATCH}`, kind: 'raw' },
  ];
}

/** Flags that change a plan's sizes: `--warmup N`, `--warmup-rounds N`, `--warmup-bursts N`, `--events N`, `--repeats N` (the plan is then named custom). */
export function withOverrides(
  plan: Plan,
  flags: { warmup?: string; 'warmup-rounds'?: string; 'warmup-bursts'?: string; events?: string; repeats?: string },
): Plan {
  const count = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 0 || n > 10_000_000)
      throw new Error(`--${name} must be a whole number up to 10,000,000, not ${text}`);
    return n;
  };
  const rounds = flags['warmup-rounds'];
  const bursts = flags['warmup-bursts'];
  if ([flags.warmup, rounds, bursts, flags.events, flags.repeats].every((flag) => flag === undefined)) return plan;
  return {
    ...plan,
    name: 'custom',
    warmup: count('warmup', flags.warmup, plan.warmup),
    warmupRounds: Math.max(1, count('warmup-rounds', rounds, plan.warmupRounds)),
    warmupBursts: Math.max(1, count('warmup-bursts', bursts, plan.warmupBursts)),
    events: Math.max(1, count('events', flags.events, plan.events)),
    repeats: Math.max(1, count('repeats', flags.repeats, plan.repeats)),
  };
}

/** `--only a,b`: those pipelines, the baseline always first; every pipeline without the flag. */
export function onlySpecs(specs: readonly PipelineSpec[], only: string | undefined): PipelineSpec[] {
  if (only === undefined) return [...specs];
  const ids = new Set(only.split(',').map((id) => id.trim()));
  for (const id of ids) {
    if (!specs.some((spec) => spec.id === id)) throw new Error(`--only: no pipeline "${id}" (one of ${specs.map((s) => s.id).join(', ')})`);
  }
  return specs.filter((spec, i) => i === 0 || ids.has(spec.id));
}
