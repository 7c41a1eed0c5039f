import { secretProblem } from '../http/standard-webhooks.ts';
import { durationOption, expectPositionals, integerOption, parseCommandArgs } from './args.ts';
import { CliError, EXIT_FAILURE, EXIT_OK, systemMessage, UsageError } from './errors.ts';
import { type CliIo, lineWriter, plural, type Style, styleFor } from './output.ts';
import { DEFAULT_RECEIVER_MAX_BODY_BYTES, type ReceivedBatch, type ReceiverOptions, startReceiver, type Verdict } from './receiver.ts';

/** How each request is answered, from --fail and --status. */
function answerPlan(fail: number | undefined, status: number | undefined): ((request: number) => number) | undefined {
  if (fail !== undefined) return (request) => (request <= fail ? (status ?? 503) : 200);
  if (status !== undefined) return () => status;
  return undefined;
}

function verdictText(name: string, verdict: Verdict, style: Style): string {
  if (verdict === 'ok') return style.green(`${name} ok`);
  if (verdict === 'failed') return style.red(`${name} FAILED`);
  return style.dim(`${name} not checked`);
}

function typeCounts(batch: ReceivedBatch): string {
  const counts = new Map<string, number>();
  for (const event of batch.events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${type} ×${n}`).join(', ');
}

const SHOWN_IDS = 4;

/** Ids remembered for spotting retries and duplicates: the most recent ones, so memory stays bounded however long listen runs. */
const REMEMBERED_IDS = 100_000;

/** A set of the most recently added ids, at most `capacity` of them. */
class RecentIds {
  private readonly ids = new Set<string>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }
}

/** `otel-webhooks listen`: runs until SIGINT or SIGTERM; resolves to the exit code. */
export async function runListen(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'signature-key': { type: 'string' },
    'standard-key': { type: 'string', multiple: true },
    username: { type: 'string' },
    secret: { type: 'string' },
    token: { type: 'string' },
    fail: { type: 'string' },
    status: { type: 'string' },
    delay: { type: 'string' },
    'max-body-bytes': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  expectPositionals(positionals, 0, 0, '');
  const port = integerOption('port', values.port, 0, 65_535) ?? 8080;
  const fail = integerOption('fail', values.fail, 0, Number.MAX_SAFE_INTEGER);
  const status = integerOption('status', values.status, 200, 599);
  const delayMillis = durationOption('delay', values.delay);
  const maxBodyBytes = integerOption('max-body-bytes', values['max-body-bytes'], 1, 2 ** 31 - 1) ?? DEFAULT_RECEIVER_MAX_BODY_BYTES;
  if (values.token !== undefined && (values.username !== undefined || values.secret !== undefined)) {
    throw new UsageError('--token cannot be combined with --username/--secret');
  }
  if ((values.username === undefined) !== (values.secret === undefined)) {
    throw new UsageError('--username and --secret go together');
  }
  for (const name of ['signature-key', 'secret', 'token', 'username'] as const) {
    if (values[name] === '') throw new UsageError(`--${name} must not be empty`);
  }
  const standardKeys = values['standard-key'];
  if (standardKeys !== undefined && values['signature-key'] !== undefined) {
    throw new UsageError('--standard-key cannot be combined with --signature-key');
  }
  for (const key of standardKeys ?? []) {
    const problem = secretProblem(key);
    if (problem !== undefined) throw new UsageError(`--standard-key ${problem}`);
  }

  const options: ReceiverOptions = { host: values.host, port, maxBodyBytes };
  if (values['signature-key'] !== undefined) options.signatureKey = values['signature-key'];
  if (standardKeys !== undefined) options.standardKeys = standardKeys;
  if (values.username !== undefined) options.username = values.username;
  if (values.secret !== undefined) options.secret = values.secret;
  if (values.token !== undefined) options.token = values.token;
  const plan = answerPlan(fail, status);
  if (plan !== undefined) options.status = plan;
  if (delayMillis !== undefined && delayMillis > 0) options.delayMillis = delayMillis;

  // With --json, stdout carries only event lines.
  const human = values.json ? io.stderr : io.stdout;
  const say = lineWriter(human);
  const style = styleFor(human, io.env);
  const emit = lineWriter(io.stdout);

  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  try {
    receiver = await startReceiver(options);
  } catch (error) {
    throw new CliError(`cannot listen on ${values.host}:${port}: ${systemMessage(error)}`);
  }
  const started = performance.now();

  const checks: string[] = [];
  if (options.signatureKey !== undefined) checks.push('X-Signature with the given key');
  if (standardKeys !== undefined) {
    checks.push(`Standard Webhooks signatures with ${standardKeys.length === 1 ? 'the given key' : `any of ${standardKeys.length} keys`}`);
  }
  if (options.username !== undefined) checks.push(`Basic auth as ${JSON.stringify(options.username)}`);
  if (options.token !== undefined) checks.push('Bearer token');
  say(`${style.bold('Listening on')} ${style.cyan(`${receiver.url}/`)} (any path)`);
  say(
    `  checking    ${checks.length > 0 ? checks.join(', ') : style.dim('nothing (see --signature-key, --standard-key, --username/--secret, --token)')}`,
  );
  if (fail !== undefined && fail > 0) {
    say(`  simulating  the first ${fail === 1 ? 'request' : `${fail} requests`} answered ${status ?? 503}, then 200`);
  } else if (fail === undefined && status !== undefined) {
    say(`  simulating  every request answered ${status}`);
  }
  if (delayMillis !== undefined && delayMillis > 0) say(`  delaying    every answer by ${delayMillis} ms`);
  if (human.isTTY === true) say(style.dim('Press Ctrl-C to stop.'));

  let accepted = 0;
  let onPurpose = 0;
  let refused = 0;
  let acceptedEvents = 0;
  let duplicates = 0;
  // Only counts and recent ids are kept: the events themselves are printed and forgotten.
  const seen = new RecentIds(REMEMBERED_IDS);
  const acceptedIds = new RecentIds(REMEMBERED_IDS);
  const total = (): string =>
    `${plural(receiver.requests, 'request')}: ${accepted} accepted, ${onPurpose} failed on purpose, ${refused} refused · ` +
    `${plural(acceptedEvents, 'event')} accepted, ${acceptedEvents - duplicates} distinct ids, ${plural(duplicates, 'duplicate')}`;

  receiver.onBatch = (batch) => {
    const ok = batch.status >= 200 && batch.status < 300;
    let outcome: string;
    if (batch.problem !== undefined) {
      refused++;
      outcome = style.red(`${batch.status} refused: ${batch.problem}`);
    } else if (ok) {
      accepted++;
      outcome = style.green(`${batch.status} accepted`);
    } else {
      onPurpose++;
      const which = fail !== undefined ? ` (${batch.index} of ${fail})` : '';
      outcome = style.yellow(`${batch.status} simulated failure${which}`);
    }
    const repeated = batch.events.filter((event) => seen.has(event.id)).length;
    for (const event of batch.events) {
      seen.add(event.id);
      if (!ok) continue;
      acceptedEvents++;
      if (acceptedIds.has(event.id)) duplicates++;
      acceptedIds.add(event.id);
    }
    const clock = `+${((batch.at - started) / 1000).toFixed(2)}s`;
    const verdicts = `${verdictText('signature', batch.signature, style)}, ${verdictText('auth', batch.auth, style)}`;
    say(
      `${style.bold(`#${batch.index}`)} ${style.dim(clock)}  ${batch.path}  ${plural(batch.events.length, 'event')}  ${outcome}  ${verdicts}`,
    );
    if (batch.events.length > 0) {
      say(`    types  ${typeCounts(batch)}`);
      const ids = batch.events.slice(0, SHOWN_IDS).map((event) => event.id);
      const more = batch.events.length > SHOWN_IDS ? ` … +${batch.events.length - SHOWN_IDS} more` : '';
      const again =
        repeated === 0
          ? ''
          : repeated === batch.events.length
            ? style.dim(' (all seen before: a retry)')
            : style.dim(` (${repeated} seen before)`);
      say(`    ids    ${ids.join(', ')}${more}${again}`);
    }
    if (batch.webhookId !== undefined) say(`    webhook-id  ${batch.webhookId}`);
    say(`    total  ${total()}`);
    if (values.json) {
      const arrival = { request: batch.index, path: batch.path, status: batch.status, signature: batch.signature, auth: batch.auth };
      for (const event of batch.events) {
        emit(JSON.stringify({ id: event.id, createdAt: event.createdAt, type: event.type, data: event.data, ...arrival }));
      }
    }
  };

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (name: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(name);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await receiver.close();
  if (human.isTTY === true && signal === 'SIGINT') human.write('\n');
  say(`${style.bold('Stopped')} after ${total()}`);
  return refused > 0 ? EXIT_FAILURE : EXIT_OK;
}
