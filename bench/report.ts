/** Turns scenario results into the Markdown tables printed by the runner and kept in BENCHMARKS.md. */
import type { SelfTime } from './cpu-profile.ts';
import type { Machine } from './machine.ts';
import type { Plan } from './plan.ts';
import type { Ratio, Row, RunSet } from './summary.ts';
import type { EmitLatencyResult, HeldResult, OutageResult, PipelineSpec, Shape } from './types.ts';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
/** With its sign, `+` included. */
const signed = (text: string): string => (text.startsWith('-') ? `−${text.slice(1)}` : `+${text}`);
const fixed = (n: number, digits = 1): string => n.toFixed(digits);
const times = (n: number): string => `${n.toFixed(2)}×`;
const MiB = 1024 * 1024;

/** A Markdown table, padded so it also reads well in a terminal. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function machineSection(machine: Machine, plan: Plan): string {
  const packages = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `- Date: ${machine.date} (${plan.name} run; package installed from \`npm pack\`)`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; load average ${machine.load} at the start; spools on ${machine.tmpFileSystem}`,
    `- Node ${machine.node}; ${packages}`,
  ].join('\n');
}

export function shapeTitle(shape: Shape, plan: Plan): string {
  return shape === 'burst'
    ? `burst: ${int(plan.events)} records emitted at once, held by the default 1 s throttle`
    : `steady: ${int(plan.events)} records, ${plan.steadyThrottleMillis} ms throttle, a turn of the event loop every ${int(plan.yieldEvery)} emits`;
}

export function pipelineTable(rows: readonly Row[], warmup: number): string {
  const body = table(
    [
      'Pipeline',
      'CPU µs/event',
      'added over SDK emit µs',
      `added, first ${int(warmup)} after start µs`,
      'wire B/event',
      'peak RSS MiB',
      'RSS growth MiB',
      'loop delay p99 / max ms',
      'wall ms',
      'events/s',
      'delivered',
    ],
    rows.map((row) => [
      row.spec.label,
      fixed(row.cpuPerEvent, 2),
      row.addedPerEvent === undefined ? '—' : fixed(row.addedPerEvent, 2),
      row.coldAddedPerEvent === undefined || Number.isNaN(row.coldAddedPerEvent) ? '—' : fixed(row.coldAddedPerEvent, 2),
      row.wireBytesPerEvent === undefined ? '—' : int(row.wireBytesPerEvent),
      int(row.peakRssMiB),
      int(row.rssGrowthMiB),
      `${fixed(row.loopDelayP99Millis)} / ${fixed(row.loopDelayMaxMillis)}`,
      int(row.wallMillis),
      int(row.eventsPerSecond),
      row.spec.kind === 'noop'
        ? '(not sent)'
        : `${int(row.received)}${row.received === row.events ? '' : ` of ${int(row.events)}`}${row.dropped > 0 ? `, ${int(row.dropped)} dropped` : ''}`,
    ]),
  );
  return (
    `${body}\n\nThe raw limit emits nothing: its "added" is all of its CPU. "First ${int(warmup)} after start": the ` +
    'warm-up records, which go through each pipeline in a fresh process before the measured ones (the JIT compiling its hot functions among them).'
  );
}

/** A within-run ratio of added CPU, its target and whether the worse shape meets it. */
export interface RatioLine {
  readonly label: string;
  readonly numerator: string;
  readonly denominator: string;
  /** `min`: at least this (the worse shape is the lower ratio); `max`: at most this. */
  readonly target?: { readonly kind: 'min' | 'max'; readonly value: number };
}

/** The ratios of the comparison, those whose two pipelines both run. */
export function ratioLines(specs: readonly PipelineSpec[]): RatioLine[] {
  const spools = specs.filter((spec) => spec.spool !== undefined);
  const ids = new Set(specs.map((spec) => spec.id));
  const lines: RatioLine[] = [
    { label: 'OTLP (batch 512) added / ours added', numerator: 'otlp-default', denominator: 'webhook', target: { kind: 'min', value: 3 } },
    {
      label: 'OTLP (batch 1000) added / ours added',
      numerator: 'otlp-same-batch',
      denominator: 'webhook',
      target: { kind: 'min', value: 3 },
    },
    ...spools.map(
      (spec): RatioLine => ({
        label: `spool (${spec.id.slice('spool-'.length)}) added / in-memory added`,
        numerator: spec.id,
        denominator: 'webhook',
        target: { kind: 'max', value: 1.5 },
      }),
    ),
    { label: 'ours added / raw limit CPU', numerator: 'webhook', denominator: 'raw' },
  ];
  return lines.filter((line) => ids.has(line.numerator) && ids.has(line.denominator));
}

const range = (r: Ratio): string => (r.min === r.max ? times(r.median) : `${times(r.median)} (${fixed(r.min, 2)}–${fixed(r.max, 2)})`);

/** The worse shape's median ratio for a line with a target. */
export function worse(runs: RunSet, line: RatioLine): { shape: Shape; ratio: Ratio } {
  const burst = runs.ratio(line.numerator, line.denominator, 'burst');
  const steady = runs.ratio(line.numerator, line.denominator, 'steady');
  const burstWorse = line.target?.kind === 'max' ? burst.median >= steady.median : burst.median <= steady.median;
  return burstWorse ? { shape: 'burst', ratio: burst } : { shape: 'steady', ratio: steady };
}

export function ratiosTable(runs: RunSet, lines: readonly RatioLine[]): string {
  return table(
    ['Ratio of added CPU per event', 'burst', 'steady', 'target', 'worse shape meets it'],
    lines.map((line) => {
      const target = line.target;
      const met =
        target === undefined
          ? '—'
          : (() => {
              const { ratio } = worse(runs, line);
              return (target.kind === 'min' ? ratio.median >= target.value : ratio.median <= target.value) ? 'yes' : '**no**';
            })();
      return [
        line.label,
        range(runs.ratio(line.numerator, line.denominator, 'burst')),
        range(runs.ratio(line.numerator, line.denominator, 'steady')),
        target === undefined ? '—' : `${target.kind === 'min' ? '≥' : '≤'} ${target.value}×`,
        met,
      ];
    }),
  );
}

export function latencyTable(r: EmitLatencyResult): string {
  const line = (label: string, base: EmitLatencyResult['noopSelected'], with_: EmitLatencyResult['noopSelected']): string[] => [
    label,
    int(base.median),
    int(with_.median),
    signed(int(with_.median - base.median)),
    int(base.p99),
    int(with_.p99),
    signed(int(with_.p99 - base.p99)),
    signed(int(with_.mean - base.mean)),
    signed(int(with_.cpuPerEmit - base.cpuPerEmit)),
  ];
  const body = table(
    [
      'Record',
      'no-op median ns',
      'webhook median ns',
      'added median',
      'no-op p99 ns',
      'webhook p99 ns',
      'added p99',
      'added mean',
      'added CPU per emit, end of turn included',
    ],
    [
      line('selected (sent)', r.noopSelected, r.webhookSelected),
      line('filtered out', r.noopFiltered, r.webhookFiltered),
      line('filtered out, against two no-op processors', r.twoNoopFiltered, r.webhookFiltered),
      line('filtered out, webhook registered after the no-op processor', r.noopFiltered, r.webhookAfterFiltered),
    ],
  );
  return (
    `${body}\n\nThe last row compares the webhook beside a no-op processor with two no-op processors: what ours costs over any second processor (the SDK's own cost of one is in the row above it). ` +
    'In the row after it the webhook comes second: the SDK asks processors whether they want a record in order and stops at the first that has no `enabled()`, so ours is not asked. ' +
    `The webhook writes its records at the end of the turn of the event loop that emitted them (or once 256 wait): ` +
    'the last column counts that work, process CPU over the emits of a round until the turn ends, per emit (timing calls included on both sides).'
  );
}

export function heldTable(r: HeldResult, wireBytesPerEvent: number): string {
  const per = (bytes: number): number => bytes / Math.max(1, r.measuredEvents);
  const engine = r.pendingBytes / Math.max(1, r.pending);
  return table(
    ['Held events', 'engine bytes/event', 'wire B/event', 'RSS growth B/event', '× wire', 'heap + external B/event', '× wire'],
    [
      [
        `${int(r.pending)} of ${int(r.events)}`,
        int(engine),
        int(wireBytesPerEvent),
        int(per(r.rssGrowth)),
        times(per(r.rssGrowth) / wireBytesPerEvent),
        int(per(r.heapGrowth + r.externalGrowth)),
        times(per(r.heapGrowth + r.externalGrowth) / wireBytesPerEvent),
      ],
    ],
  );
}

/** Peak RSS over the baseline allowed in an outage: the queue's byte cap plus 64 MiB. */
export function outageBudgetMiB(r: OutageResult): number {
  return r.maxQueueBytes / MiB + 64;
}

/** One row per outage: without a spool (the queue cap holds, the rest is dropped), then with one (the rest waits on disk). */
export function outageTable(results: readonly OutageResult[]): string {
  return table(
    [
      'Emitted',
      'spool',
      'queue cap',
      'held at the end',
      'dropped',
      'peak RSS − baseline MiB',
      'budget MiB',
      'within',
      'process peak RSS MiB',
      'emit s',
      'CPU s',
      '503s',
    ],
    results.map((r) => {
      const dropped = Object.entries(r.dropped)
        .filter(([, n]) => n > 0)
        .map(([reason, n]) => `${int(n)} ${reason}`)
        .join(', ');
      const growth = r.sampledPeakRssMiB - r.rssBaselineMiB;
      return [
        int(r.events),
        r.spoolBytes === undefined ? 'none' : `${fixed(r.spoolBytes / MiB)} MiB held`,
        `${int(r.maxQueueEvents)} events / ${int(r.maxQueueBytes / MiB)} MiB`,
        `${int(r.pending)} (${fixed(r.pendingBytes / MiB)} MiB)`,
        dropped || '0',
        `${int(growth)} (${int(r.rssBaselineMiB)} → ${int(r.sampledPeakRssMiB)})`,
        int(outageBudgetMiB(r)),
        growth <= outageBudgetMiB(r) ? 'yes' : '**no**',
        int(r.maxRssMiB),
        fixed(r.wallMillis / 1000, 2),
        fixed(r.cpuMillis / 1000, 2),
        int(r.failedRequests),
      ];
    }),
  );
}

export function profileTable(top: readonly SelfTime[]): string {
  return table(
    ['Function', 'where', 'self time ms', 'share'],
    top.map((entry) => [entry.name, entry.where, fixed(entry.millis), `${fixed(entry.share * 100)}%`]),
  );
}

/** The processor started on the spool the outage left (only the outage with a spool has one). */
export function restartTable(results: readonly OutageResult[]): string {
  return table(
    ['spool held', 'constructor ms', 'first request of the backlog after s', 'longest loop delay until then ms'],
    results.flatMap((r) =>
      r.restart === undefined
        ? []
        : [
            [
              `${fixed((r.spoolBytes ?? 0) / MiB)} MiB, ${int(r.pending)} events`,
              fixed(r.restart.constructorMillis, 1),
              fixed(r.restart.firstRequestMillis / 1000, 2),
              fixed(r.restart.loopDelayMaxMillis, 1),
            ],
          ],
    ),
  );
}
