/**
 * `npm run bench [-- --quick] [-- --out FILE] [-- --spool-modes JSON] [-- --profile ID] [-- --warmup N --warmup-rounds N --warmup-bursts N --events N --repeats N]`:
 * installs the package from `npm pack`, runs every scenario in its own process against a sink
 * process on 127.0.0.1, prints the tables, and (full runs, or whenever `--out` is given) writes
 * them into BENCHMARKS.md between its result markers. `--profile ID` only profiles the burst
 * shape of one pipeline and prints where its CPU went.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { installPacked } from '../test/helpers/packed.ts';
import { writeResults } from './benchmarks-file.ts';
import { topSelfTime } from './cpu-profile.ts';
import { describeMachine } from './machine.ts';
import { methodSection } from './method.ts';
import { FULL_PLAN, onlySpecs, parseSpoolModes, pipelineSpecs, QUICK_PLAN, withOverrides } from './plan.ts';
import { runScenario, startSink } from './processes.ts';
import { recordsInFile, writeRecordsFile } from './records.ts';
import {
  heldTable,
  latencyTable,
  machineSection,
  outageTable,
  pipelineTable,
  profileTable,
  type RatioLine,
  ratioLines,
  ratiosTable,
  restartTable,
  shapeTitle,
} from './report.ts';
import { type Row, RunSet, SHAPES } from './summary.ts';
import { headlineSection, targetsSection } from './targets.ts';
import type {
  CommonParams,
  EmitLatencyResult,
  HeldResult,
  OutageResult,
  PipelineParams,
  PipelineResult,
  PipelineSpec,
  Shape,
} from './types.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    'spool-modes': { type: 'string' },
    profile: { type: 'string' },
    warmup: { type: 'string' },
    'warmup-rounds': { type: 'string' },
    'warmup-bursts': { type: 'string' },
    events: { type: 'string' },
    repeats: { type: 'string' },
    only: { type: 'string' },
  },
});
const plan = withOverrides(flags.quick ? QUICK_PLAN : FULL_PLAN, flags);
const partial = flags.quick || flags.profile !== undefined || plan.name === 'custom' || flags.only !== undefined;
const out = flags.out ?? (partial ? undefined : fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)));
const spoolModes = parseSpoolModes(flags['spool-modes'] ?? process.env['BENCH_SPOOL_MODES']);
const specs = onlySpecs(pipelineSpecs(spoolModes), flags.only);
/** Longest any one scenario process may take before it is killed and the run fails. */
const DEADLINE_MILLIS = 120_000;

const machine = describeMachine();
const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const sections: string[] = [];
function section(title: string, text: string): void {
  const block = `### ${title}\n\n${text}`;
  sections.push(block);
  process.stdout.write(`\n${block}\n`);
}

/** The tables of both shapes' pipelines and the ratios between them. */
function pipelineSections(rows: readonly Row[], runs: RunSet, lines: readonly RatioLine[]): void {
  for (const [i, shape] of SHAPES.entries()) {
    const ofShape = rows.filter((row) => row.shape === shape);
    section(`${i + 1}. Pipelines, ${shapeTitle(shape, plan)}`, pipelineTable(ofShape, plan.warmup));
  }
  section('3. Ratios, within this run', ratiosTable(runs, lines));
}

process.stdout.write(`otel-webhook-exporter benchmarks (${plan.name})\n${machineSection(machine, plan)}\n`);
const install = installPacked();
const entry = createRequire(join(install.dir, 'package.json')).resolve('otel-webhook-exporter');
const recordsFile = join(install.dir, 'records.json');
writeRecordsFile(recordsFile, recordsInFile(plan), plan.seed);
const sink = await startSink();
const common = (key: string): CommonParams => ({ entry, sink: sink.url, key, seed: plan.seed, records: recordsFile });
const pipelineParams = (spec: PipelineSpec, shape: Shape, key: string): PipelineParams => ({
  ...common(key),
  spec,
  shape,
  events: plan.events,
  warmup: plan.warmup,
  warmupRounds: plan.warmupRounds,
  warmupBursts: plan.warmupBursts,
  yieldEvery: plan.yieldEvery,
  steadyThrottleMillis: plan.steadyThrottleMillis,
});

try {
  if (flags.profile !== undefined) {
    const spec = specs.find((s) => s.id === flags.profile);
    if (spec === undefined) throw new Error(`--profile: no pipeline "${flags.profile}" (one of ${specs.map((s) => s.id).join(', ')})`);
    const dir = mkdtempSync(join(tmpdir(), 'otel-webhook-bench-profile-'));
    const path = join(dir, 'burst.cpuprofile');
    const result = await runScenario<PipelineResult>(
      'pipeline-scenario.ts',
      { ...pipelineParams(spec, 'burst', 'profile'), profile: path },
      DEADLINE_MILLIS,
    );
    const top = topSelfTime(JSON.parse(readFileSync(path, 'utf8')), 10);
    process.stdout.write(
      `\nCPU profile, burst shape, ${spec.label}: ${(result.cpuMicros / result.events).toFixed(2)} µs/event under the profiler\n\n${profileTable(top)}\n` +
        `\nThe profile (open it in Chrome DevTools or VS Code): ${path}\n`,
    );
  } else {
    const repeats: PipelineResult[][] = [];
    for (let repeat = 0; repeat < plan.repeats; repeat++) {
      const results: PipelineResult[] = [];
      for (const shape of SHAPES) {
        for (const spec of specs) {
          const params = pipelineParams(spec, shape, `${shape}-${spec.id}-${repeat}`);
          results.push(await runScenario<PipelineResult>('pipeline-scenario.ts', params, DEADLINE_MILLIS));
        }
      }
      repeats.push(results);
      process.stdout.write(`repeat ${repeat + 1} of ${plan.repeats} done (${elapsed()})\n`);
    }
    const runs = new RunSet(repeats);
    const rows = SHAPES.flatMap((shape) => specs.map((spec) => runs.row(spec, shape)));
    const lines = ratioLines(specs);
    if (flags.only !== undefined) {
      // Some pipelines only: their tables and ratios, nothing else.
      pipelineSections(rows, runs, lines);
    } else {
      const latency = await runScenario<EmitLatencyResult>(
        'emit-latency.ts',
        { ...common('latency'), ...plan.latency, throttleMillis: plan.steadyThrottleMillis },
        DEADLINE_MILLIS,
      );
      const held = await runScenario<HeldResult>(
        'held-memory.ts',
        { ...common('held'), events: plan.held, warmup: plan.warmup, yieldEvery: plan.yieldEvery },
        DEADLINE_MILLIS,
        ['--expose-gc'],
      );
      const outages: OutageResult[] = [];
      for (const spool of [false, true]) {
        outages.push(
          await runScenario<OutageResult>(
            'outage.ts',
            { ...common(spool ? 'outage-spool' : 'outage'), ...plan.outage, yieldEvery: plan.yieldEvery, spool },
            DEADLINE_MILLIS,
            ['--expose-gc'],
          ),
        );
      }

      const facts = { runs, lines, rows, latency, outages, held };
      section('Summary (the worse shape)', headlineSection(facts));
      pipelineSections(rows, runs, lines);
      section('4. `logger.emit` latency, ns per emit', latencyTable(latency));
      const wire = rows.find((row) => row.spec.id === 'webhook' && row.shape === 'burst')?.wireBytesPerEvent ?? Number.NaN;
      section('5. Memory per held event (receiver answering 503)', heldTable(held, wire));
      section(`6. Outage: ${plan.outage.events.toLocaleString('en-US')} records, receiver answering 503`, outageTable(outages));
      section('7. Restart on the spool the outage left (default 1 s throttle)', restartTable(outages));
      section('Targets', targetsSection(facts));
    }
  }
} finally {
  await sink.stop();
  install.cleanup();
}

process.stdout.write(`\nFinished in ${elapsed()}.\n`);
if (flags.profile !== undefined) {
  // Profiles only print.
} else if (out === undefined) {
  process.stdout.write('Quick run: BENCHMARKS.md left as it is (pass --out FILE to write these results).\n');
} else {
  const results = [`## Results\n\n${machineSection(machine, plan)}`, ...sections, `### Method\n\n${methodSection(plan, spoolModes)}`].join(
    '\n\n',
  );
  writeResults(out, results);
  process.stdout.write(`Results written to ${out}.\n`);
}
