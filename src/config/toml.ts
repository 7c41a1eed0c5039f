import { parse, TomlError } from 'smol-toml';
import { WebhookConfigError } from './errors.ts';
import { AUTH_KEYS, didYouMean } from './known-options.ts';
import type { WebhookOptions } from './options.ts';
import { describe, fail, type Input, isRecord, type Locate, type Place } from './place.ts';
import { resolve, resolveWebhookOptions } from './resolve-options.ts';
import { DURATIONS } from './resolve-values.ts';
import { TLS_TOML_KEYS } from './tls-options.ts';
import { stalwartBoolean, TOML_BOOLEAN_KEYS } from './toml-booleans.ts';
import { stalwartInteger, TOML_INTEGER_KEYS } from './toml-integers.ts';
import { indexKeyLines } from './toml-lines.ts';

/** TOML keys of a webhook table → option names. */
export const TOML_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['url', 'url'],
  ['events', 'events'],
  ['timeout', 'timeout'],
  ['throttle', 'throttle'],
  ['signature-key', 'signatureKey'],
  ['signature-scheme', 'signatureScheme'],
  ['proxy', 'proxy'],
  ['tls', 'tls'],
  ['headers', 'headers'],
  ['allow-invalid-certs', 'allowInvalidCerts'],
  ['auth', 'auth'],
  ['lossy', 'lossy'],
  ['discard-after', 'discardAfter'],
  ['enable', 'enable'],
  ['level', 'level'],
  ['max-batch-events', 'maxBatchEvents'],
  ['max-batch-bytes', 'maxBatchBytes'],
  ['retry-max', 'retryMax'],
  ['shutdown-timeout', 'shutdownTimeout'],
  ['deliver-on-exit', 'deliverOnExit'],
  ['max-queue-events', 'maxQueueEvents'],
  ['max-queue-bytes', 'maxQueueBytes'],
  ['spool-dir', 'spoolDir'],
  ['spool-max-bytes', 'spoolMaxBytes'],
  ['spool-sync', 'spoolSync'],
  ['spool-fsync-interval', 'spoolFsyncInterval'],
]);

/**
 * Reads the webhooks of a Stalwart TOML configuration: every `[webhook."<id>"]` table with a
 * `url`; other tables are ignored. Each webhook is validated as {@link resolveWebhookOptions}
 * would, with errors naming the TOML key path and line. Durations come back as `*Millis`.
 * `root` is the parsed document, when it was parsed (and its macros expanded) already.
 */
export function parseTomlWebhooks(toml: string, root: Readonly<Record<string, unknown>> = parseToml(toml)): WebhookOptions[] {
  const webhooks = root['webhook'];
  if (webhooks === undefined) return [];
  const lineOf = indexKeyLines(toml);
  if (!isRecord(webhooks)) {
    const line = lineOf(['webhook']);
    const place: Place = { key: 'webhook', note: line === undefined ? '' : ` (line ${line})`, line };
    fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a table of [webhook."<id>"] tables, got ${describe(webhooks)}`);
  }
  const result: WebhookOptions[] = [];
  for (const [id, table] of Object.entries(webhooks)) {
    const at = (path: readonly string[]): Place => tomlPlace(id, path, lineOf);
    // A value (`webhook.x = 5`) or an array of tables (`[[webhook."x"]]`) is not a webhook; say so.
    if (!isRecord(table)) fail(at([]), 'ERR_WEBHOOK_INVALID_TYPE', ` must be a table of webhook options, got ${describe(table)}`);
    if (Object.keys(table).length === 0) continue;
    const locate: Locate = (option) => at(option === 'id' ? [] : kebab(option.replace(/Millis$/, '')).split('.'));
    if (table['url'] === undefined) fail(locate('url'), 'ERR_WEBHOOK_MISSING_KEY', ': missing');
    const options = fromTable(table, id, at);
    const resolved = resolve(options, locate);
    for (const [text, millis] of DURATIONS) {
      if (options[text] !== undefined) {
        delete options[text];
        options[millis] = resolved[millis];
      }
    }
    // `resolve` accepted every key, so the object has the shape of WebhookOptions.
    result.push(options as unknown as WebhookOptions);
  }
  return result;
}

export function parseToml(toml: string): Readonly<Record<string, unknown>> {
  try {
    return parse(toml, { integersAsBigInt: 'asNeeded' });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // Only the first line: the rest quotes the source, which may hold secrets.
    const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
    const where = `line ${error.line}, column ${error.column}`;
    throw new WebhookConfigError('ERR_WEBHOOK_TOML', '', `invalid TOML: ${reason} (${where})`, error.line);
  }
}

/** Maps a webhook table onto option names; numeric durations become `*Millis`, `"true"`/`"false"` booleans, digit strings of integer keys numbers. */
export function fromTable(table: Input, id: string, at: (path: readonly string[]) => Place): Record<string, unknown> {
  const options: Record<string, unknown> = { id };
  for (const [key, value] of Object.entries(table)) {
    const option = TOML_OPTIONS.get(key);
    if (option === undefined) fail(at([key]), 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown key${didYouMean(key, [...TOML_OPTIONS.keys()])}`);
    const duration = DURATIONS.find(([text]) => text === option);
    if (duration !== undefined && (typeof value === 'number' || typeof value === 'bigint')) options[duration[1]] = Number(value);
    else if (TOML_BOOLEAN_KEYS.has(key)) options[option] = stalwartBoolean(value);
    else if (TOML_INTEGER_KEYS.has(key)) options[option] = stalwartInteger(value);
    else options[option] = isRecord(value) ? { ...value } : value;
    if (option === 'tls' && isRecord(value)) options[option] = fromTlsTable(value, at);
    if (option === 'auth' && isRecord(value)) {
      for (const name of Object.keys(value)) {
        if (!AUTH_KEYS.includes(name)) fail(at(['auth', name]), 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown key${didYouMean(name, AUTH_KEYS)}`);
      }
    }
  }
  return options;
}

/** `[webhook."<id>".tls]` keys (`ca-file`) → option names (`caFile`). */
export function fromTlsTable(table: Input, at: (path: readonly string[]) => Place): Record<string, unknown> {
  const tls: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) {
    const option = TLS_TOML_KEYS.get(key);
    if (option === undefined)
      fail(at(['tls', key]), 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown key${didYouMean(key, [...TLS_TOML_KEYS.keys()])}`);
    tls[option] = value;
  }
  return tls;
}

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `webhook."<id>".<path>`, with the line of the key (or of its closest parent) when found. */
export function tomlPlace(id: string, path: readonly string[], lineOf: (path: readonly string[]) => number | undefined): Place {
  const segments = path.map((segment) => (/^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment)));
  const key = ['webhook', JSON.stringify(id), ...segments].join('.');
  const line = lineOf(['webhook', id, ...path]);
  return { key, note: line === undefined ? '' : ` (line ${line})`, line };
}
