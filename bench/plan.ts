/** How much each scenario does, in a full run and in a `--quick` one. */
export interface Plan {
  readonly name: 'full' | 'quick';
  readonly hotPath: { readonly warmup: number; readonly samples: number; readonly perSample: number };
  readonly steps: { readonly events: number; readonly batch: number; readonly rounds: number };
  readonly throughput: {
    readonly events: number;
    readonly warmup: number;
    readonly repeats: number;
    readonly batch: number;
    readonly otlpDefaultBatch: number;
  };
  readonly outage: { readonly events: number };
  readonly growth: { readonly sizes: readonly number[]; readonly webhooks: readonly number[]; readonly webhookEvents: number };
  /** Records emitted between two turns of the event loop, in every scenario. */
  readonly chunk: number;
}

export const FULL_PLAN: Plan = {
  name: 'full',
  hotPath: { warmup: 100_000, samples: 400, perSample: 1_000 },
  steps: { events: 200_000, batch: 4_096, rounds: 15 },
  throughput: { events: 200_000, warmup: 100_000, repeats: 3, batch: 4_096, otlpDefaultBatch: 512 },
  outage: { events: 1_000_000 },
  growth: { sizes: [1_000, 10_000, 100_000, 1_000_000], webhooks: [1, 4, 16], webhookEvents: 100_000 },
  chunk: 1_000,
};

export const QUICK_PLAN: Plan = {
  name: 'quick',
  hotPath: { warmup: 30_000, samples: 100, perSample: 1_000 },
  steps: { events: 50_000, batch: 4_096, rounds: 5 },
  throughput: { events: 50_000, warmup: 20_000, repeats: 1, batch: 4_096, otlpDefaultBatch: 512 },
  outage: { events: 250_000 },
  growth: { sizes: [1_000, 10_000, 100_000], webhooks: [1, 4, 16], webhookEvents: 10_000 },
  chunk: 1_000,
};

/** The queue cap the outage scenario configures (the processor's defaults). */
export const OUTAGE_QUEUE_CAP = { maxQueueEvents: 100_000, maxQueueBytes: 67_108_864 } as const;
