/** Turns the pipeline runs of one benchmark run into rows and within-run ratios. */
import type { PipelineResult, PipelineSpec, Shape } from './types.ts';

export const SHAPES: readonly Shape[] = ['burst', 'steady'];

/** One pipeline in one shape, over the repeats: medians, except `received` (least) and `dropped` (most). */
export interface Row {
  readonly spec: PipelineSpec;
  readonly shape: Shape;
  readonly runs: number;
  readonly events: number;
  /** Process CPU per delivered event (per emitted record for the baseline), µs. */
  readonly cpuPerEvent: number;
  /** Over the baseline's CPU per record in the same repeat; the raw limit (which emits nothing) shows its own CPU. */
  readonly addedPerEvent: number | undefined;
  /** The same for the warm-up records, the first after the process started (compilation included). */
  readonly coldAddedPerEvent: number | undefined;
  readonly wireBytesPerEvent: number | undefined;
  readonly peakRssMiB: number;
  readonly rssGrowthMiB: number;
  readonly loopDelayP99Millis: number;
  readonly loopDelayMaxMillis: number;
  readonly wallMillis: number;
  readonly eventsPerSecond: number;
  readonly received: number;
  readonly dropped: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Events a run got through: what the sink counted, or every record for the baseline. */
function delivered(run: PipelineResult): number {
  return run.spec.kind === 'noop' ? run.events : run.received;
}

function cpuPerEvent(run: PipelineResult): number {
  return run.cpuMicros / Math.max(1, delivered(run));
}

/** CPU per event of the warm-up records. */
function coldCpuPerEvent(run: PipelineResult): number {
  return run.warmupCpuMicros / Math.max(1, run.spec.kind === 'noop' ? run.warmupEvents : run.warmupReceived);
}

/** `runs[repeat]` holds every pipeline's result of that repeat, for both shapes. */
export class RunSet {
  private readonly runs: readonly (readonly PipelineResult[])[];

  constructor(runs: readonly (readonly PipelineResult[])[]) {
    this.runs = runs;
  }

  private find(repeat: readonly PipelineResult[], id: string, shape: Shape): PipelineResult | undefined {
    return repeat.find((run) => run.spec.id === id && run.shape === shape);
  }

  /** Added CPU per delivered event over the baseline, µs, in each repeat (`cold`: of the warm-up records). */
  addedPerRepeat(id: string, shape: Shape, cold = false): number[] {
    const perEvent = cold ? coldCpuPerEvent : cpuPerEvent;
    const values: number[] = [];
    for (const repeat of this.runs) {
      const run = this.find(repeat, id, shape);
      const base = this.find(repeat, 'noop', shape);
      if (run === undefined || base === undefined || (cold && run.warmupEvents === 0)) continue;
      values.push(run.spec.kind === 'raw' ? perEvent(run) : perEvent(run) - perEvent(base));
    }
    return values;
  }

  row(spec: PipelineSpec, shape: Shape): Row {
    const runs = this.runs.map((repeat) => this.find(repeat, spec.id, shape)).filter((run) => run !== undefined);
    const m = (pick: (run: PipelineResult) => number): number => median(runs.map(pick));
    const sends = spec.kind !== 'noop';
    return {
      spec,
      shape,
      runs: runs.length,
      events: runs[0]?.events ?? 0,
      cpuPerEvent: m(cpuPerEvent),
      addedPerEvent: spec.kind === 'noop' ? undefined : median(this.addedPerRepeat(spec.id, shape)),
      coldAddedPerEvent: spec.kind === 'noop' ? undefined : median(this.addedPerRepeat(spec.id, shape, true)),
      wireBytesPerEvent: sends ? m((run) => run.receivedBytes / Math.max(1, run.received)) : undefined,
      peakRssMiB: m((run) => run.peakRssMiB),
      rssGrowthMiB: m((run) => run.peakRssMiB - run.rssStartMiB),
      loopDelayP99Millis: m((run) => run.loopDelayP99Millis),
      loopDelayMaxMillis: m((run) => run.loopDelayMaxMillis),
      wallMillis: m((run) => run.wallMillis),
      eventsPerSecond: m((run) => (delivered(run) / run.wallMillis) * 1000),
      received: Math.min(...runs.map(delivered)),
      dropped: Math.max(...runs.map((run) => run.dropped)),
    };
  }

  /** `numerator`'s added CPU over `denominator`'s, per repeat: the median and the range. */
  ratio(numerator: string, denominator: string, shape: Shape): Ratio {
    const top = this.addedPerRepeat(numerator, shape);
    const bottom = this.addedPerRepeat(denominator, shape);
    const values = top.map((value, i) => value / (bottom[i] ?? Number.NaN)).filter((value) => Number.isFinite(value));
    return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
  }
}

export interface Ratio {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}
