import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { redactUrl } from '../config/redact.ts';
import { createWebhookProcessors } from '../create-webhook-processors.ts';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, type Gateway, startGateway } from '../gateway/index.ts';
import type { WebhookLogRecordProcessor } from '../processor.ts';
import { durationOption, expectPositionals, integerOption, parseCommandArgs } from './args.ts';
import { loadConfig } from './config-file.ts';
import { CliError, EXIT_FAILURE, EXIT_OK, systemMessage, UsageError } from './errors.ts';
import type { CliIo } from './output.ts';
import { requestLine, summaryBase, summaryLine } from './serve-report.ts';

const PREFIX = 'otel-webhooks serve';

async function readPem(option: string, path: string | undefined): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    throw new CliError(`--${option} ${path}: cannot read: ${systemMessage(error)}`);
  }
}

async function readToken(token: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (token !== undefined && file !== undefined) throw new UsageError('--token and --token-file cannot be used together');
  let value = token;
  if (file !== undefined) {
    try {
      value = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new CliError(`--token-file ${file}: cannot read: ${systemMessage(error)}`);
    }
  }
  if (value !== undefined && value.trim() === '')
    throw new UsageError(`${file === undefined ? '--token' : `--token-file ${file}`} is empty`);
  return value;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** `otel-webhooks serve`: runs until SIGTERM or SIGINT; resolves to the exit code. */
export async function runServe(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    host: { type: 'string' },
    port: { type: 'string' },
    'max-body-bytes': { type: 'string' },
    token: { type: 'string' },
    'token-file': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'client-ca': { type: 'string' },
    'summary-interval': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  });
  expectPositionals(positionals, 1, 1, 'the config file: otel-webhooks serve <config>');
  const port = integerOption('port', values.port, 0, 65535) ?? DEFAULT_PORT;
  const maxBodyBytes = integerOption('max-body-bytes', values['max-body-bytes'], 1, 2 ** 31 - 1) ?? DEFAULT_MAX_BODY_BYTES;
  const summaryMillis = durationOption('summary-interval', values['summary-interval']) ?? 60_000;
  const host = values.host ?? '127.0.0.1';
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined))
    throw new UsageError('--tls-cert and --tls-key go together');
  if (values['client-ca'] !== undefined && values['tls-cert'] === undefined)
    throw new UsageError('--client-ca needs --tls-cert and --tls-key');
  const token = await readToken(values.token, values['token-file']);
  const cert = await readPem('tls-cert', values['tls-cert']);
  const key = await readPem('tls-key', values['tls-key']);
  const clientCa = await readPem('client-ca', values['client-ca']);

  const config = await loadConfig(positionals[0] ?? '');
  const enabled = config.webhooks.filter((options) => options.enable !== false);
  if (enabled.length === 0) throw new CliError(`${config.path}: no enabled webhook to send to`);

  const err = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  const log = (...parts: unknown[]): void => err(parts.map(String).join(': '));
  diag.setLogger(
    { error: log, warn: log, info: log, debug: log, verbose: log },
    { logLevel: values.verbose ? DiagLogLevel.DEBUG : DiagLogLevel.INFO, suppressOverrideMessage: true },
  );

  const processors: WebhookLogRecordProcessor[] = createWebhookProcessors(enabled);
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      processors,
      host,
      port,
      maxBodyBytes,
      ...(token === undefined ? {} : { token }),
      ...(cert === undefined || key === undefined ? {} : { tls: { cert, key, ...(clientCa === undefined ? {} : { clientCa }) } }),
      ...(values.verbose ? { onRequest: (info) => err(`${PREFIX}: ${requestLine(info)}`) } : {}),
    });
  } catch (error) {
    await Promise.all(processors.map((processor) => processor.shutdown()));
    diag.disable();
    if (error instanceof Error && 'code' in error) throw new CliError(`cannot listen on ${host}:${port}: ${systemMessage(error)}`);
    throw error;
  }

  // Listeners that stay for the whole run (not `once`): the webhooks' own exit handling leaves a
  // signal to the application only while the application listens for it. Installed before the
  // listening line is printed, so a signal sent as soon as it appears is handled, not fatal.
  let signals = 0;
  let received: NodeJS.Signals | undefined;
  let stopping: (signal: NodeJS.Signals) => void = (signal) => {
    received = signal;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      stopping(signal);
      return;
    }
    const left = processors.reduce((sum, processor) => sum + processor.stats().pending, 0);
    err(`${PREFIX}: second signal: exiting now with ${left} events not delivered`);
    process.exit(EXIT_FAILURE);
  };
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);

  err(`${PREFIX}: listening on ${gateway.url} (POST /v1/logs, GET /healthz, GET /readyz)`);
  for (const processor of processors) err(`${PREFIX}: webhook ${JSON.stringify(processor.id)} → ${redactUrl(processor.options.url)}`);
  if (!isLoopback(host) && token === undefined && clientCa === undefined) {
    err(`${PREFIX}: warning: listening on ${host} without --token or --client-ca: anyone who can reach it can send events`);
  }

  let base = summaryBase(gateway.stats(), processors);
  const summarize = (label: string): void => {
    const now = gateway.stats();
    err(`${PREFIX}: ${summaryLine(label, base, now, processors)}`);
    base = summaryBase(now, processors);
  };
  const ticker = summaryMillis > 0 ? setInterval(() => summarize(`last ${summaryMillis / 1000}s`), summaryMillis) : undefined;
  ticker?.unref();

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    if (received !== undefined) resolve(received);
    stopping = resolve;
  });
  const pending = processors.reduce((sum, processor) => sum + processor.stats().pending, 0);
  err(`${PREFIX}: ${signal}: no longer taking logs; delivering ${pending} pending events (a second signal exits at once)`);
  await gateway.shutdown();
  if (ticker !== undefined) clearInterval(ticker);
  summarize('until shutdown');
  process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
  diag.disable();
  return EXIT_OK;
}
