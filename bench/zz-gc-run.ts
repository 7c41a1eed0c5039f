import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const W = process.env.W ?? '/work/wt-arena';
const { installPacked } = await import(W + '/test/helpers/packed.ts');
const { FULL_PLAN, pipelineSpecs } = await import(W + '/bench/plan.ts');
const { startSink } = await import(W + '/bench/processes.ts');
const { writeRecordsFile } = await import(W + '/bench/records.ts');
const plan = FULL_PLAN;
const install = installPacked();
const entry = createRequire(join(install.dir, 'package.json')).resolve('otel-webhook-exporter');
const recordsFile = join(install.dir, 'records.json');
writeRecordsFile(recordsFile, plan.warmup + plan.events, plan.seed);
const sink = await startSink();
const id = process.argv[2] ?? 'webhook';
const shape = process.argv[3] ?? 'burst';
const spec = pipelineSpecs([]).find((s: any) => s.id === id)!;
const params = {
  entry,
  sink: sink.url,
  key: 'gc',
  seed: plan.seed,
  records: recordsFile,
  spec,
  shape,
  events: plan.events,
  warmup: plan.warmup,
  yieldEvery: plan.yieldEvery,
  steadyThrottleMillis: plan.steadyThrottleMillis,
};
const extra = (process.env.NODE_EXTRA ?? '--trace-gc').split(' ').filter(Boolean);
const r = spawnSync(process.execPath, [...extra, W + '/bench/pipeline-scenario.ts', JSON.stringify(params)], {
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
process.stdout.write(r.stdout + r.stderr);
process.exit(0);
