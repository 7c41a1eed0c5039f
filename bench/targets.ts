/** The project's performance targets against one run, and the run's headline numbers (the worse shape). */
import { outageBudgetMiB, type RatioLine, table, worse } from './report.ts';
import type { Row, RunSet } from './summary.ts';
import type { EmitLatencyResult, HeldResult, OutageResult, Shape } from './types.ts';

const fixed = (n: number, digits = 2): string => n.toFixed(digits);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
/** With its sign, `+` included. */
const signed = (text: string): string => (text.startsWith('-') ? `−${text.slice(1)}` : `+${text}`);

export interface RunFacts {
  readonly runs: RunSet;
  readonly lines: readonly RatioLine[];
  readonly rows: readonly Row[];
  readonly latency: EmitLatencyResult;
  /** Without a spool, then with one. */
  readonly outages: readonly OutageResult[];
  readonly held: HeldResult;
}

/** Longest task the target allows, ms. */
const MAX_TASK_MILLIS = 10;
/** Most bytes a held event may take, in multiples of its wire bytes. */
const MAX_HELD_RATIO = 1.5;

export function targetsSection({ runs, lines, latency, outages, rows: pipelineRows, held }: RunFacts): string {
  const rows: [string, string, boolean][] = [];
  for (const line of lines) {
    if (line.target === undefined) continue;
    const { shape, ratio } = worse(runs, line);
    const { kind, value } = line.target;
    rows.push([
      `${line.label} ${kind === 'min' ? '≥' : '≤'} ${value}× (worse shape)`,
      `${fixed(ratio.median)}× (${shape})`,
      kind === 'min' ? ratio.median >= value : ratio.median <= value,
    ]);
  }
  const selected = latency.webhookSelected.median - latency.noopSelected.median;
  const filtered = (latency.webhookFiltered.median - latency.noopFiltered.median) / latency.noopFiltered.median;
  rows.push(['Selected record adds < 1 µs to `logger.emit` (median)', `${signed(int(selected))} ns`, selected < 1000]);
  rows.push(['Filtered-out record adds < 5% to `logger.emit` (median)', `${signed(fixed(filtered * 100, 1))}%`, filtered < 0.05]);
  const wire = rowOf(pipelineRows, 'webhook', 'burst')?.wireBytesPerEvent ?? Number.NaN;
  const heldRatio = (held.heapGrowth + held.externalGrowth) / Math.max(1, held.measuredEvents) / wire;
  rows.push([
    `A held event takes ≤ ${MAX_HELD_RATIO}× its wire bytes (heap + external)`,
    `${fixed(heldRatio)}×`,
    heldRatio <= MAX_HELD_RATIO,
  ]);
  // The burst shape's delay is measured after the application's emit loop: it holds only the
  // webhook's own tasks (requests, spool writes). The steady shape's includes the application's
  // chunks of 1,000 emits, with the records' writing in them.
  const ours = pipelineRows.filter((row) => row.spec.kind === 'webhook' && row.shape === 'burst');
  const longest = ours.reduce((most, row) => (row.loopDelayMaxMillis > most.loopDelayMaxMillis ? row : most), ours[0] as Row);
  rows.push([
    `No task of ours blocks the event loop over ${MAX_TASK_MILLIS} ms (longest loop delay after the burst's emit loop)`,
    `${fixed(longest.loopDelayMaxMillis, 1)} ms (${longest.spec.id})`,
    longest.loopDelayMaxMillis <= MAX_TASK_MILLIS,
  ]);
  for (const outage of outages) {
    const { restart } = outage;
    if (restart === undefined) continue;
    const longest = Math.max(restart.constructorMillis, restart.loopDelayMaxMillis);
    rows.push([
      `Start-up on the spool the outage left does not block: constructor and every task until the backlog's first request ≤ ${MAX_TASK_MILLIS} ms`,
      `constructor ${fixed(restart.constructorMillis, 1)} ms, longest loop delay ${fixed(restart.loopDelayMaxMillis, 1)} ms`,
      longest <= MAX_TASK_MILLIS,
    ]);
  }
  for (const outage of outages) {
    const growth = outage.sampledPeakRssMiB - outage.rssBaselineMiB;
    rows.push([
      `${int(outage.events)}-record outage${outage.spoolBytes === undefined ? '' : ' with a spool'}: peak RSS − baseline ≤ max-queue-bytes + 64 MiB`,
      `${int(growth)} MiB of ${int(outageBudgetMiB(outage))}`,
      growth <= outageBudgetMiB(outage),
    ]);
  }
  return table(
    ['Target', 'Measured', 'Met'],
    rows.map(([what, value, met]) => [what, value, met ? 'yes' : '**no**']),
  );
}

function rowOf(rows: readonly Row[], id: string, shape: Shape): Row | undefined {
  return rows.find((row) => row.spec.id === id && row.shape === shape);
}

/** Bullet points quoting the worse shape of each comparison. */
export function headlineSection({ runs, lines, rows, latency }: RunFacts): string {
  const bullets: string[] = [];
  const addedRange = (id: string): string => {
    const values = (['burst', 'steady'] as const).map((shape) => rowOf(rows, id, shape)?.addedPerEvent ?? Number.NaN);
    return `${fixed(Math.min(...values))}–${fixed(Math.max(...values))} µs`;
  };
  const coldRange = (id: string): string => {
    const values = (['burst', 'steady'] as const).map((shape) => rowOf(rows, id, shape)?.coldAddedPerEvent ?? Number.NaN);
    return `${fixed(Math.min(...values))}–${fixed(Math.max(...values))} µs`;
  };
  bullets.push(
    `Added CPU per delivered event over the SDK's own \`emit\` (burst–steady range): ours ${addedRange('webhook')}, ` +
      `OTLP/HTTP JSON ${addedRange('otlp-default')} (batch 512) and ${addedRange('otlp-same-batch')} (batch 1000).`,
    `The same for the first records after the process started (the warm-up, compilation included): ours ${coldRange('webhook')}, ` +
      `OTLP/HTTP JSON ${coldRange('otlp-default')} (batch 512) and ${coldRange('otlp-same-batch')} (batch 1000).`,
  );
  for (const line of lines) {
    const { shape, ratio } = worse(runs, line);
    bullets.push(`${line.label}: **${fixed(ratio.median)}×** in the worse shape (${shape}).`);
  }
  bullets.push(
    `\`logger.emit\`: a selected record adds ${int(latency.webhookSelected.median - latency.noopSelected.median)} ns at the median ` +
      `(${int(latency.webhookSelected.p99 - latency.noopSelected.p99)} ns at p99; ` +
      `${int(latency.webhookSelected.cpuPerEmit - latency.noopSelected.cpuPerEmit)} ns of CPU per emit with the writing at the end of the turn); ` +
      `a filtered-out one ${int(latency.webhookFiltered.median - latency.noopFiltered.median)} ns ` +
      `(${int(latency.webhookFiltered.median - latency.twoNoopFiltered.median)} ns over a second no-op processor instead of ours).`,
  );
  return bullets.map((bullet) => `- ${bullet}`).join('\n');
}
