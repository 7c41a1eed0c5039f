/** The method text kept with the results, written from the plan that produced them. */
import type { Plan, SpoolMode } from './plan.ts';
import { FILTERED_TYPE_NAMES, recordsInFile, SELECTED_TYPE_NAMES } from './records.ts';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const code = (names: readonly string[]): string => names.map((name) => `\`${name}\``).join(', ');

export function methodSection(plan: Plan, spoolModes: readonly SpoolMode[]): string {
  const modes = spoolModes
    .map((mode) => `\`${mode.name}\` (${Object.keys(mode.options).length === 0 ? '`spoolDir` alone' : JSON.stringify(mode.options)})`)
    .join(', ');
  return `The package is built and installed as a user gets it: \`npm pack\` of a staging copy, the
tarball extracted into a temporary \`node_modules\` (\`test/helpers/packed.ts\`), and every scenario
imports that build. Each scenario runs in its own Node process against one sink process on
127.0.0.1: a \`node:http\` server that reads every body, counts its bytes and events (one marker
per event) under a key from the path before answering 200 \`{}\` (or 503 on \`/down/…\`). The
tables show what the sink counted, flagged when it is short of the records sent.

**Records.** ${int(plan.events)} records per run, made once per run from a seeded PRNG
(\`bench/records.ts\`) and read from a JSON file by each process before anything is measured:
Stalwart events of the types ${code(SELECTED_TYPE_NAMES)}, 4–8 attributes each, with account names, account and
document ids, 64-bit span ids, IPv4/IPv6 addresses, ports, message ids and e-mail addresses
that change from record to record (5% of account names with non-ASCII letters). Every pipeline
gets the same records; before them, ${int(plan.warmup)} other records go through the same pipeline and are
delivered${plan.warmupRounds > 1 ? `, ${plan.warmupRounds} times, new records each time` : ''}, so the measured part runs mostly on compiled code, as in a
long-lived process: with fewer, V8 is still compiling the hot functions of every pipeline during
the measured part (a few hundred ms of compiler-thread CPU, paid once per process). ${
    plan.warmupBursts > 1
      ? `They are
emitted in ${plan.warmupBursts} bursts, each delivered before the next: a process's first delivery
changes state (object fields, their representation) that the code V8 compiled for the emit path
relied on, so V8 throws that code away and compiles it again, once. With one burst that happened
in the measured part: \`--trace-opt\` counted 32–36 ms of compiling there for the webhook,
132–149 ms with a spool and 39–59 ms for OTLP (burst and steady, one run each); with two, 11–15,
19–22 and 24–26 ms; the first round's figure below includes that recompilation.`
      : `They are emitted in one burst, delivered after its last emit: V8 then still compiles again,
during the measured part, the code that the first delivery invalidates (\`--warmup-bursts 2\`
moves that into the warm-up).`
  } The first round is measured too and shown as "first ${int(plan.warmup)} after start": what a freshly started
process pays. \`--warmup-rounds N\` runs more rounds, \`--warmup-bursts N\`
splits the first one into N bursts (1: the whole round at once).

**Pipelines**, each a \`LoggerProvider\` with one processor:
1. *baseline*: a processor that does nothing: what the SDK's own \`logger.emit\` costs.
2. *ours*: \`WebhookLogRecordProcessor\` with its defaults (throttle 1 s, batch 1,000 events, queue
   cap 100,000 events / 64 MiB), signed (HMAC-SHA256).
3. *ours + spool*: the same with \`spoolDir\` in a fresh temporary directory, once per spool mode
   (${modes}; more modes are given as \`--spool-modes '[{"name":…,"options":{…}}]'\` or
   \`BENCH_SPOOL_MODES\`).
4. *OTLP*: the SDK's \`BatchLogRecordProcessor\` → \`OTLPLogExporter\` of
   \`@opentelemetry/exporter-logs-otlp-http\` (JSON), at its defaults (batch 512, delay 1 s) and at
   our batch size (1,000). Its \`maxQueueSize\` is raised to hold the whole run: at its default
   (2,048) it would drop most of a burst, and dropped records cost nothing.
5. *raw limit*: no records and no pipeline: the same events as webhook bodies of 1,000, built and
   signed beforehand, POSTed one at a time over one kept-alive undici connection.

**Shapes.** (a) *burst*: all records emitted in one synchronous loop, held by the default 1 s
throttle (the OTLP processor's default 1 s delay), then \`forceFlush()\`. (b) *steady*: throttle
(and OTLP delay) ${plan.steadyThrottleMillis} ms, the application yielding (\`setImmediate\`) every ${int(plan.yieldEvery)} emits, then
\`forceFlush()\`. The measured part ends when \`forceFlush()\` resolves, i.e. when the sink has
answered every event. Every pipeline runs in both shapes, ${plan.repeats === 1 ? 'once' : `${plan.repeats} times`}, interleaved (repeat by
repeat, shape by shape, pipeline by pipeline); tables show medians over the repeats, ratios show
the median and, in brackets, the range.

**Metrics.** *CPU µs/event*: \`process.cpuUsage()\` user + system of the whole process (GC,
compiler and I/O threads included) over the measured part, divided by the events the sink
received. *Added over SDK emit*: that minus the baseline's CPU per record in the same shape and
repeat (the raw limit emits nothing, so its own CPU is shown). *Wire B/event*: body bytes the
sink received per event. *Peak RSS*: \`process.resourceUsage().maxRSS\`; *RSS growth*: that
minus the RSS when the measured part started (the records themselves are in both). *Loop
delay*: \`monitorEventLoopDelay\` at 1 ms resolution, p99 and max of the time between two runs of
its timer (an idle loop shows about 1 ms; the maximum bounds the longest task, within 1 ms;
earlier versions of this file used the 10 ms default, whose every value includes up to 10 ms
of the timer's own interval); steady: the whole measured
part, the application's own chunks of emits included; burst: from the end of the emit loop
(one block of the application's making) until delivered. *Ratios* are of added CPU, computed
repeat by repeat within the run; a target counts as met when the worse shape's median meets it.

**\`logger.emit\` latency** (its own process). A provider with only the no-op processor, and one
with our processor (throttle ${plan.steadyThrottleMillis} ms) then the no-op one (ours first, so the SDK also
asks its \`enabled()\`), each fed records it selects and records of types it does not select
(${code(FILTERED_TYPE_NAMES)}): four series over pools of ${int(plan.latency.pool)} varied records, cycled. Each
emit is timed on its own (\`performance.now()\` before and after); after ${int(plan.latency.warmup)} warm-up emits per
series, ${int(plan.latency.rounds)} rounds of ${int(plan.latency.perRound)} emits per series, interleaved (order rotating), a turn of the event
loop after each, so delivery runs between them; added = our series minus the no-op series of
the same records, at the median, p99 and mean of ${int(plan.latency.rounds * plan.latency.perRound)} emits.

**Held memory** (its own process, \`--expose-gc\`). After a warm-up through another processor,
the sink answers 503 and the ${int(plan.held)} measured records of the pipeline runs are emitted (a turn
of the loop every ${int(plan.yieldEvery)}), all held. RSS and heap + external memory are read after full
collections once a fifth of them are held and again once all are; the growth between the two
readings per event added in between, against the wire bytes per event of our burst run. RSS
also counts what V8 commits around the heap (it grows the young generation when many objects
survive, as held events do).

**Outage** (its own process). After a warm-up and one full collection (the baseline), the sink
answers 503 to ${int(plan.outage.events)} records (the run's ${int(recordsInFile(plan))} records, cycled; a turn of the loop every
${int(plan.yieldEvery)}) at the default queue cap, once without a spool (what the queue has no room for is dropped)
and once with a 1 GiB spool (it waits on disk); RSS is sampled at every turn. Budget for both: peak RSS − baseline
≤ \`max-queue-bytes\` + 64 MiB.

\`npm run bench -- --profile ID\` profiles the burst shape of pipeline ID (\`webhook\`,
\`spool-default\`, \`otlp-default\`, …) through the inspector, measured part only, and prints the
functions with the most self time.`;
}
