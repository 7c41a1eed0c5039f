import { open } from 'node:fs/promises';
import { type Attributes, DiagLogLevel, diag } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { formatDuration } from '../config/duration.ts';
import type { WebhookOptions } from '../config/options.ts';
import { redactUrl } from '../config/redact.ts';
import { attachSources, describeSource, sourceOf, sourcesOf } from '../config/sources.ts';
import type { DeliveryStats } from '../delivery/outcomes.ts';
import { WebhookLogRecordProcessor } from '../processor.ts';
import { durationOption, expectPositionals, parseCommandArgs } from './args.ts';
import { loadConfig } from './config-file.ts';
import { CliError, EXIT_FAILURE, EXIT_OK, systemMessage, UsageError } from './errors.ts';
import { parseEventLine } from './event-lines.ts';
import { type CliIo, lineWriter, plural, styleFor } from './output.ts';
import { ProgressLine, renderProgress } from './progress-bar.ts';
import { LineTooLongError, readLines } from './read-lines.ts';

/** Events in flight before reading pauses, so a large input does not overflow the queues. */
const HIGH_WATER_EVENTS = 10_000;
/** Malformed lines reported one by one; the rest are counted. */
const MAX_REPORTED_LINES = 20;
const REFRESH_MILLIS = 100;

const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis));

function droppedCount(stats: DeliveryStats): number {
  return Object.values(stats.dropped).reduce((sum, n) => sum + n, 0);
}

function droppedDetail(stats: DeliveryStats): string {
  return Object.entries(stats.dropped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
}

/** The webhooks named by --webhook, or every enabled one. */
function chooseWebhooks(all: readonly WebhookOptions[], ids: readonly string[] | undefined, path: string): WebhookOptions[] {
  if (ids === undefined || ids.length === 0) {
    const enabled = all.filter((options) => options.enable !== false);
    if (enabled.length === 0) throw new CliError(`${path}: no enabled webhook to send through`);
    return enabled;
  }
  return [...new Set(ids)].map((id) => {
    const found = all.find((options) => options.id === id);
    if (found === undefined) {
      const known = all.map((options) => JSON.stringify(options.id)).join(', ') || 'none';
      throw new UsageError(`--webhook ${JSON.stringify(id)}: no such webhook in ${path} (it has ${known})`);
    }
    if (found.enable === false) throw new UsageError(`--webhook ${JSON.stringify(id)}: disabled in ${path} (enable = false)`);
    return found;
  });
}

function checkUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const url = URL.parse(text);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--url must be an http: or https: URL, got ${JSON.stringify(redactUrl(text))}`);
  }
  return text;
}

async function openInput(path: string, io: CliIo): Promise<{ name: string; stream: NodeJS.ReadableStream }> {
  if (path === '-') {
    if (io.stdin.isTTY === true) io.stderr.write('Reading events from the terminal, one JSON object per line; end with Ctrl-D.\n');
    return { name: '<stdin>', stream: io.stdin };
  }
  try {
    const handle = await open(path, 'r');
    return { name: path, stream: handle.createReadStream() };
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${systemMessage(error)}`);
  }
}

/** `otel-webhooks send`: resolves to the exit code. */
export async function runSend(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    webhook: { type: 'string', multiple: true },
    url: { type: 'string' },
    wait: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  });
  expectPositionals(positionals, 1, 2, 'the config file: otel-webhooks send <config> [events.ndjson | -]');
  const [configPath = '', inputPath = '-'] = positionals;
  const waitMillis = durationOption('wait', values.wait) ?? 30_000;
  const url = checkUrl(values.url);
  const config = await loadConfig(configPath);
  const chosen = chooseWebhooks(config.webhooks, values.webhook, configPath);
  const input = await openInput(inputPath, io);

  const out = lineWriter(io.stdout);
  const style = styleFor(io.stdout, io.env);
  const errStyle = styleFor(io.stderr, io.env);
  const progress = new ProgressLine(io.stderr);
  const log = (...parts: unknown[]): void => {
    progress.log(
      errStyle.dim(
        parts
          .map(String)
          .join(': ')
          .replace(/^otel-webhook-exporter /, ''),
      ),
    );
  };
  diag.setLogger(
    { error: log, warn: log, info: log, debug: log, verbose: log },
    { logLevel: values.verbose ? DiagLogLevel.DEBUG : DiagLogLevel.WARN, suppressOverrideMessage: true },
  );

  // The summary reports what is left after --wait: nothing more is delivered when the process ends.
  // With --url, the webhook's own url (and where it came from) is replaced; its other values keep their sources.
  const withUrl = (options: WebhookOptions, to: string): WebhookOptions =>
    attachSources(
      { ...options, url: to },
      sourcesOf(options).filter((source) => source.option !== 'url'),
    );
  const processors = chosen.map(
    (options) => new WebhookLogRecordProcessor({ ...(url === undefined ? options : withUrl(options, url)), deliverOnExit: false }),
  );
  for (const [index, processor] of processors.entries()) {
    const own = chosen[index];
    const source = own === undefined ? undefined : sourceOf(sourcesOf(own), 'url');
    const shown = url === undefined && source !== undefined ? `the url ${describeSource(source)}` : redactUrl(processor.options.url);
    out(`${style.bold(`webhook ${JSON.stringify(processor.id)}`)} → ${shown}`);
  }
  const provider = new LoggerProvider({ processors });
  const logger = provider.getLogger('otel-webhooks send');

  const totals = (): { queued: number; delivered: number; failed: number; dropped: number } => {
    let queued = 0;
    let delivered = 0;
    let failed = 0;
    let dropped = 0;
    for (const processor of processors) {
      const stats = processor.stats();
      queued += stats.pending;
      delivered += stats.delivered;
      failed += stats.failedRequests;
      dropped += droppedCount(stats);
    }
    return { queued, delivered, failed, dropped };
  };
  let read = 0;
  let skipped = 0;
  let inputProblem: string | undefined;
  const draw = (): void => progress.update(`${renderProgress(totals(), errStyle)}  ${errStyle.dim(`read ${plural(read, 'event')}`)}`);
  const ticker = setInterval(draw, REFRESH_MILLIS);

  /** Pauses reading while too much is queued, unless delivery makes no progress for --wait. */
  const drain = async (): Promise<void> => {
    let last = totals();
    let lastProgressAt = performance.now();
    while (last.queued > HIGH_WATER_EVENTS && performance.now() - lastProgressAt < waitMillis) {
      await sleep(20);
      const now = totals();
      if (now.delivered + now.dropped !== last.delivered + last.dropped) lastProgressAt = performance.now();
      last = now;
    }
  };

  // A longer line could not become an event any webhook keeps; reading stops there.
  const maxLineBytes = Math.max(...processors.map((processor) => processor.options.maxQueueBytes));
  try {
    let lineNumber = 0;
    for await (const line of readLines(input.stream as AsyncIterable<Buffer>, maxLineBytes)) {
      lineNumber++;
      const parsed = parseEventLine(line);
      if (parsed === undefined) continue;
      if ('problem' in parsed) {
        skipped++;
        if (skipped <= MAX_REPORTED_LINES) progress.log(`${input.name}:${lineNumber}: skipped: ${parsed.problem}`);
        continue;
      }
      const { type, data, createdAt } = parsed.event;
      logger.emit({ eventName: type, attributes: data as Attributes, ...(createdAt === undefined ? {} : { timestamp: createdAt }) });
      read++;
      if (read % 1000 === 0) await drain();
    }
  } catch (error) {
    const why = error instanceof LineTooLongError ? ', the largest max-queue-bytes of the webhooks' : '';
    inputProblem = `${input.name}: reading stopped: ${systemMessage(error)}${why}`;
  }
  if (skipped > MAX_REPORTED_LINES) progress.log(`${input.name}: ${skipped - MAX_REPORTED_LINES} more malformed lines skipped`);
  if (inputProblem !== undefined) progress.log(inputProblem);

  await Promise.all(processors.map((processor) => processor.forceFlush({ timeoutMillis: waitMillis })));
  clearInterval(ticker);
  progress.clear();
  const final = processors.map((processor) => ({ id: processor.id, stats: processor.stats() }));
  const stuck = final.some(({ stats }) => stats.pending > 0);
  // With nothing pending, shutdown only closes connections. Otherwise it would wait out the
  // shutdown timeout, keeping the process alive: what is left is reported below instead.
  if (!stuck) await provider.shutdown().catch(() => undefined);
  diag.disable();

  out();
  const lines = skipped > 0 ? ` (${plural(skipped, 'malformed line')} skipped)` : '';
  out(`Read ${plural(read, 'event')} from ${input.name}${lines}`);
  let undelivered = 0;
  for (const { id, stats } of final) {
    const dropped = droppedCount(stats);
    undelivered += dropped + stats.pending;
    const parts = [`delivered ${stats.delivered} in ${plural(stats.requests, 'request')}`];
    if (stats.failedRequests > 0) parts.push(`${plural(stats.failedRequests, 'failed request')}`);
    if (dropped > 0) parts.push(style.red(`dropped ${dropped} (${droppedDetail(stats)})`));
    if (stats.pending > 0) parts.push(style.red(`${stats.pending} still pending after ${formatDuration(waitMillis)}: not delivered`));
    if (stats.state === 'gone') parts.push(style.red('stopped: the endpoint answered 410 Gone'));
    out(`  webhook ${JSON.stringify(id)}: selected ${stats.accepted} of ${read}: ${parts.join(', ')}`);
  }
  const selected = final.reduce((sum, { stats }) => sum + stats.accepted, 0);
  if (read > 0 && selected === 0)
    out(style.yellow('No webhook selected any of the events: check their types against `events` in the config.'));
  const ok = undelivered === 0 && skipped === 0 && inputProblem === undefined;
  if (undelivered > 0) out(style.red(`${plural(undelivered, 'event')} not delivered.`));
  else if (!ok) out(style.red('Every selected event was delivered, but some input was not read.'));
  else out(style.green(`Every selected event was delivered (${plural(selected, 'delivery', 'deliveries')}).`));
  return ok ? EXIT_OK : EXIT_FAILURE;
}
