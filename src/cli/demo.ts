import { readFile } from 'node:fs/promises';
import { logs } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { formatDuration } from '../config/duration.ts';
import type { WebhookOptions } from '../config/options.ts';
import { parseWebhookConfig } from '../config/read-config.ts';
import { WebhookLogRecordProcessor } from '../processor.ts';
import { compileEventMatcher } from '../records/match.ts';
import { mailServerWave } from './demo-events.ts';
import { type ReceivedBatch, type Receiver, type ReceiverOptions, startReceiver } from './receiver.ts';

/** The example configuration the demo runs, in Stalwart's format. */
export const EXAMPLE_CONFIG: URL = new URL('../../examples/stalwart-webhooks.toml', import.meta.url);

const WAVES = [60, 25, 80, 10];
const WAVE_GAP_MILLIS = 700;

interface Running {
  readonly options: WebhookOptions;
  readonly receiver: Receiver;
  readonly processor: WebhookLogRecordProcessor;
  readonly throttleMillis: number;
  expected: number;
}

/** What the demo's receiver checks for a webhook's signature. */
function signatureChecks(options: WebhookOptions): Pick<ReceiverOptions, 'signatureKey' | 'standardKeys'> {
  const key = options.signatureKey;
  if (key === undefined) return {};
  if (options.signatureScheme === 'standard-webhooks') return { standardKeys: typeof key === 'string' ? [key] : key };
  return typeof key === 'string' ? { signatureKey: key } : {};
}

function countTypes(batch: ReceivedBatch): string {
  const counts = new Map<string, number>();
  for (const event of batch.events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${type}×${n}`).join(' ');
}

/**
 * The demo: the example Stalwart config, an embedded receiver per webhook on 127.0.0.1 that
 * verifies signatures and credentials, and a real OTel pipeline (our processors beside an
 * in-memory sink) fed a stream of mail-server events. Prints what the receivers got; resolves
 * to the exit code: 0 when every selected event arrived once, verified, else 1.
 */
export async function runDemo(print: (line: string) => void, configText?: string): Promise<number> {
  const config = configText ?? (await readFile(EXAMPLE_CONFIG, 'utf8'));
  const webhooks = parseWebhookConfig(config);
  const started = performance.now();
  const running: Running[] = [];
  const clock = (at: number): string => `+${((at - started) / 1000).toFixed(2)}s`;

  print('otel-webhook-exporter demo: Stalwart webhooks from an OpenTelemetry logs pipeline');
  for (const options of webhooks) {
    if (options.enable === false) {
      print(`  webhook "${options.id}": enable = false, not started`);
      continue;
    }
    const receiver = await startReceiver({
      keepBatches: true,
      ...signatureChecks(options),
      ...(options.auth?.username === undefined ? {} : { username: options.auth.username }),
      ...(options.auth?.secret === undefined ? {} : { secret: options.auth.secret }),
      ...(options.auth?.token === undefined ? {} : { token: options.auth.token }),
    });
    const local = { ...options, url: `${receiver.url}/${encodeURIComponent(options.id)}` };
    const processor = new WebhookLogRecordProcessor(local);
    const item: Running = { options: local, receiver, processor, throttleMillis: processor.options.throttleMillis, expected: 0 };
    let previous: number | undefined;
    receiver.onBatch = (batch) => {
      const gap = previous === undefined ? 'first' : `${((batch.at - previous) / 1000).toFixed(2)}s after previous`;
      previous = batch.at;
      const verdict = `signature ${batch.signature}, auth ${batch.auth}${batch.problem === undefined ? '' : `, REFUSED: ${batch.problem}`}`;
      print(
        `  ${clock(batch.at)}  ${options.id.padEnd(10)} request ${String(batch.index).padStart(2)}  ${String(batch.events.length).padStart(3)} events  (${gap}; ${verdict})`,
      );
      print(`           ${countTypes(batch)}`);
    };
    running.push(item);
    print(
      `  webhook "${options.id}" → ${local.url}  events ${JSON.stringify(options.events)}  throttle ${formatDuration(item.throttleMillis)}  auth ${processor.options.authKind}  signed ${options.signatureKey === undefined ? 'no' : 'yes'}`,
    );
  }

  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [...running.map((item) => item.processor), new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('mail-server', '1.0.0');
  const matchers = running.map((item) => compileEventMatcher(item.options.events));
  let emitted = 0;
  print('');
  for (const [wave, size] of WAVES.entries()) {
    const records = mailServerWave(wave, size);
    for (const record of records) {
      logger.emit(record);
      emitted++;
      const type = record.eventName;
      if (type === undefined) continue;
      for (const [i, matcher] of matchers.entries()) if (matcher.matches(type)) (running[i] as Running).expected++;
    }
    print(`  ${clock(performance.now())}  emitted wave ${wave + 1}: ${records.length} records`);
    await new Promise((resolve) => setTimeout(resolve, WAVE_GAP_MILLIS));
  }
  // Let the last throttle windows close on their own, then shut down (which flushes the rest).
  await new Promise((resolve) => setTimeout(resolve, Math.max(...running.map((item) => item.throttleMillis))));
  await provider.forceFlush();
  const sunk = memory.getFinishedLogRecords().length;
  await provider.shutdown();
  logs.disable();

  print('');
  print(`  ${emitted} records emitted; the in-memory sink beside the webhooks got ${sunk}`);
  let ok = true;
  for (const item of running) {
    const events = item.receiver.batches.filter((b) => b.status < 300).flatMap((b) => b.events);
    const ids = new Set(events.map((e) => e.id));
    const refused = item.receiver.batches.filter((b) => b.status >= 300).length;
    const stats = item.processor.stats();
    const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
    const gaps = item.receiver.batches.slice(1).map((b, i) => b.at - (item.receiver.batches[i] as ReceivedBatch).at);
    const minGap = gaps.length > 0 ? Math.min(...gaps) : Number.NaN;
    const good = events.length === item.expected && ids.size === events.length && refused === 0 && dropped === 0;
    ok &&= good;
    print(
      `  ${good ? 'OK  ' : 'FAIL'} "${item.options.id}": selected ${item.expected}, received ${events.length} in ${item.receiver.batches.length} requests (${ids.size} distinct ids), refused ${refused}, dropped ${dropped}; shortest gap between requests ${Number.isNaN(minGap) ? '-' : `${(minGap / 1000).toFixed(2)}s`} (throttle ${formatDuration(item.throttleMillis)})`,
    );
    await item.receiver.close();
  }
  print(ok ? '\nEvery selected event arrived once, signed and authenticated.' : '\nSome events were not delivered.');
  return ok ? 0 : 1;
}
