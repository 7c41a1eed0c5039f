import { parse, TomlError } from 'smol-toml';
import { compileEventMatcher } from '../records/match.ts';
import { LEVEL_SEVERITY } from '../records/severity.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { WebhookConfigError, type WebhookConfigErrorCode } from './errors.ts';
import { isValidHeaderName, isValidHeaderValue, parseHeaderLine } from './headers.ts';
import { AUTH_KEYS, closestKey, OPTION_KEYS, unknownKey } from './known-options.ts';
import { defaultWebhookSettings, type ResolvedWebhookOptions, type WebhookLevel, type WebhookOptions } from './options.ts';
import { isSensitiveHeader, redactUrl } from './redact.ts';

// ---------------------------------------------------------------------------------------------
// Naming options in errors. One validation routine serves both sources; a `Locate` names an
// option (`timeoutMillis`, `auth.secret`) the way its source spells it.

/** How an error names an option: the printed key path, a trailing note, the TOML line. */
interface Place {
  readonly key: string;
  readonly note: string;
  readonly line: number | undefined;
}

type Locate = (option: string) => Place;

type Input = Readonly<Record<string, unknown>>;

function fail(place: Place, code: WebhookConfigErrorCode, problem: string): never {
  throw new WebhookConfigError(code, place.key, `${place.key}${problem}${place.note}`, place.line);
}

/** Options from code are named as in code, followed by the webhook's id when it has one. */
function codeLocate(input: unknown): Locate {
  const id = isRecord(input) ? input['id'] : undefined;
  const note = typeof id === 'string' && id !== '' ? ` (webhook ${JSON.stringify(id)})` : '';
  return (option) => ({ key: option, note, line: undefined });
}

/** A value for an error message: JSON, cut to about 60 characters. */
function show(value: unknown): string {
  let text: string | undefined;
  if (typeof value === 'function' || typeof value === 'symbol') return describe(value);
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) text = String(value);
  else {
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
  }
  if (text === undefined) return describe(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The kind of a value without the value itself, for secrets: `a number`, `an array`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const kind = Array.isArray(value) ? 'array' : typeof value;
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function isRecord(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

// ---------------------------------------------------------------------------------------------
// Validation

/** Largest delay a Node.js timer accepts. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1;

/** Headers the exporter or the HTTP layer sets itself. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'x-signature',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
]);

const DURATIONS = [
  ['timeout', 'timeoutMillis'],
  ['throttle', 'throttleMillis'],
  ['discardAfter', 'discardAfterMillis'],
  ['retryMax', 'retryMaxMillis'],
  ['shutdownTimeout', 'shutdownTimeoutMillis'],
] as const;

/**
 * Validates options given in code and applies the defaults. Throws a
 * {@link WebhookConfigError} naming the option and the offending value (never a secret).
 */
export function resolveWebhookOptions(options: WebhookOptions): ResolvedWebhookOptions {
  return resolve(options, codeLocate(options));
}

function resolve(input: unknown, locate: Locate): ResolvedWebhookOptions {
  if (!isRecord(input)) fail(locate('options'), 'ERR_WEBHOOK_INVALID_TYPE', ` must be an object, got ${show(input)}`);
  rejectUnknownKeys(input, OPTION_KEYS, '', locate);
  const defaults = defaultWebhookSettings();
  const id = requiredString(input, 'id', locate);
  const url = resolveUrl(input['url'], locate);
  const events = resolveEvents(input['events'], locate);
  const timeoutMillis = resolveDuration(input, 'timeout', 'timeoutMillis', defaults.timeoutMillis, locate);
  const throttleMillis = resolveDuration(input, 'throttle', 'throttleMillis', defaults.throttleMillis, locate);
  const discardAfterMillis = resolveDuration(input, 'discardAfter', 'discardAfterMillis', defaults.discardAfterMillis, locate);
  const retryMaxMillis = resolveDuration(input, 'retryMax', 'retryMaxMillis', defaults.retryMaxMillis, locate);
  const shutdownTimeoutMillis = resolveDuration(input, 'shutdownTimeout', 'shutdownTimeoutMillis', defaults.shutdownTimeoutMillis, locate);
  const signatureKey = optional(input['signatureKey'], locate('signatureKey'), isString, 'a string', true);
  if (signatureKey === '') fail(locate('signatureKey'), 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
  const { authorization, authKind } = resolveAuth(input['auth'], url, locate);
  const spoolDir = optional(input['spoolDir'], locate('spoolDir'), isString, 'a string', false);
  if (spoolDir === '') fail(locate('spoolDir'), 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
  const level = optional(input['level'], locate('level'), isString, 'a string', false);
  if (level !== undefined && !isLevel(level)) {
    fail(locate('level'), 'ERR_WEBHOOK_INVALID_VALUE', ` must be one of ${Object.keys(LEVEL_SEVERITY).join(', ')}, got ${show(level)}`);
  }
  const eventType = optional(input['eventType'], locate('eventType'), isFunction, 'a function', false);
  return Object.freeze({
    id,
    url,
    events,
    timeoutMillis,
    throttleMillis,
    signatureKey,
    headers: resolveHeaders(input['headers'], authKind !== 'none', locate('headers')),
    allowInvalidCerts: resolveBoolean(input, 'allowInvalidCerts', defaults.allowInvalidCerts, locate),
    authorization,
    authKind,
    lossy: resolveBoolean(input, 'lossy', defaults.lossy, locate),
    discardAfterMillis,
    enable: resolveBoolean(input, 'enable', defaults.enable, locate),
    minSeverity: level === undefined ? 0 : LEVEL_SEVERITY[level],
    level,
    maxBatchEvents: resolveInteger(input, 'maxBatchEvents', 1, defaults.maxBatchEvents, locate),
    maxBatchBytes: resolveInteger(input, 'maxBatchBytes', 1024, defaults.maxBatchBytes, locate),
    retryMaxMillis,
    shutdownTimeoutMillis,
    deliverOnExit: resolveBoolean(input, 'deliverOnExit', defaults.deliverOnExit, locate),
    maxQueueEvents: resolveInteger(input, 'maxQueueEvents', 1, defaults.maxQueueEvents, locate),
    maxQueueBytes: resolveInteger(input, 'maxQueueBytes', 1024, defaults.maxQueueBytes, locate),
    spoolDir,
    spoolMaxBytes: resolveInteger(input, 'spoolMaxBytes', 65_536, defaults.spoolMaxBytes, locate),
    eventType,
    ca: resolveCa(input['ca'], locate('ca')),
  });
}

/** Options are as strict as TOML keys: a name that is not an option is an error, with the closest one. */
function rejectUnknownKeys(input: Input, known: readonly string[], prefix: string, locate: Locate): void {
  const key = unknownKey(input, known);
  if (key !== undefined) fail(locate(`${prefix}${key}`), 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown option${didYouMean(key, known)}`);
}

function isLevel(value: string): value is WebhookLevel {
  return Object.hasOwn(LEVEL_SEVERITY, value);
}

/** Only the kind can be checked at run time; the signature is the caller's promise. */
function isFunction(value: unknown): value is NonNullable<ResolvedWebhookOptions['eventType']> {
  return typeof value === 'function';
}

/** `undefined`, or a value that passes `check`; `secret` values are described, never shown. */
function optional<T>(value: unknown, place: Place, check: (v: unknown) => v is T, expected: string, secret: boolean): T | undefined {
  if (value === undefined || check(value)) return value;
  return fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be ${expected}, got ${secret ? describe(value) : show(value)}`);
}

function requiredString(input: Input, option: string, locate: Locate): string {
  const value = input[option];
  if (value === undefined) fail(locate(option), 'ERR_WEBHOOK_MISSING_KEY', ': missing');
  if (typeof value !== 'string') fail(locate(option), 'ERR_WEBHOOK_INVALID_TYPE', ` must be a string, got ${show(value)}`);
  if (value === '') fail(locate(option), 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
  return value;
}

function resolveUrl(value: unknown, locate: Locate): URL {
  const place = locate('url');
  if (value === undefined) fail(place, 'ERR_WEBHOOK_MISSING_KEY', ': missing');
  // A URL of the wrong type is not shown: it may carry credentials.
  if (typeof value !== 'string') fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a string, got ${describe(value)}`);
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    fail(place, 'ERR_WEBHOOK_INVALID_URL', ` must be an http: or https: URL, got ${show(redactUrl(value))}`);
  }
  return url;
}

function resolveEvents(value: unknown, locate: Locate): readonly string[] {
  const place = locate('events');
  if (value === undefined) fail(place, 'ERR_WEBHOOK_MISSING_KEY', ': missing');
  if (!Array.isArray(value)) fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be an array of event patterns, got ${show(value)}`);
  if (value.length === 0) fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' must list at least one event pattern, got []');
  const patterns: string[] = [];
  for (const [index, pattern] of value.entries()) {
    if (typeof pattern !== 'string') {
      fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must contain only strings, got ${show(pattern)} at index ${index}`);
    }
    if (pattern === '' || pattern === '!') {
      fail(place, 'ERR_WEBHOOK_INVALID_PATTERN', ` must not contain an empty pattern, got ${show(pattern)} at index ${index}`);
    }
    try {
      compileEventMatcher([pattern]);
    } catch {
      fail(place, 'ERR_WEBHOOK_INVALID_PATTERN', ` has an invalid pattern ${show(pattern)} at index ${index}`);
    }
    patterns.push(pattern);
  }
  return Object.freeze(patterns);
}

/** A duration given as a string (`timeout`) or as milliseconds (`timeoutMillis`), else `fallback`. */
function resolveDuration(input: Input, textOption: string, millisOption: string, fallback: number, locate: Locate): number {
  const text = input[textOption];
  const millis = input[millisOption];
  if (text !== undefined && millis !== undefined) {
    fail(locate(textOption), 'ERR_WEBHOOK_INVALID_VALUE', ` cannot be combined with ${locate(millisOption).key}`);
  }
  let result: number;
  let place: Place;
  if (text !== undefined) {
    place = locate(textOption);
    if (typeof text !== 'string') fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a duration like "30s", got ${show(text)}`);
    result = parseDuration(text) ?? fail(place, 'ERR_WEBHOOK_INVALID_DURATION', `: expected a duration like "30s", got ${show(text)}`);
  } else if (millis !== undefined) {
    place = locate(millisOption);
    if (typeof millis !== 'number') fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a number of milliseconds, got ${show(millis)}`);
    if (!Number.isInteger(millis) || millis <= 0)
      fail(place, 'ERR_WEBHOOK_INVALID_DURATION', ` must be a positive integer, got ${show(millis)}`);
    result = millis;
  } else {
    return fallback;
  }
  if (result > MAX_TIMER_MILLIS) {
    fail(
      place,
      'ERR_WEBHOOK_INVALID_DURATION',
      ` must be at most ${formatDuration(MAX_TIMER_MILLIS)} (about 24.8 days), got ${show(text ?? millis)}`,
    );
  }
  return result;
}

function resolveBoolean(input: Input, option: string, fallback: boolean, locate: Locate): boolean {
  const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
  return optional(input[option], locate(option), isBoolean, 'true or false', false) ?? fallback;
}

function resolveInteger(input: Input, option: string, min: number, fallback: number, locate: Locate): number {
  const isNumber = (value: unknown): value is number => typeof value === 'number';
  const value = optional(input[option], locate(option), isNumber, 'a number', false);
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    fail(locate(option), 'ERR_WEBHOOK_INVALID_VALUE', ` must be an integer of at least ${min}, got ${show(value)}`);
  }
  return value;
}

/** Basic credentials written into the URL (`https://user:pass@host/`), as HTTP clients send them. */
function urlCredentials(url: URL): Pick<ResolvedWebhookOptions, 'authorization' | 'authKind'> {
  if (url.username === '' && url.password === '') return { authorization: undefined, authKind: 'none' };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`, authKind: 'basic' };
}

function resolveAuth(value: unknown, url: URL, locate: Locate): Pick<ResolvedWebhookOptions, 'authorization' | 'authKind'> {
  const fromUrl = urlCredentials(url);
  if (value !== undefined && fromUrl.authKind !== 'none') {
    fail(locate('auth'), 'ERR_WEBHOOK_INVALID_VALUE', ' cannot be combined with credentials in url');
  }
  if (value === undefined) return fromUrl;
  if (!isRecord(value)) fail(locate('auth'), 'ERR_WEBHOOK_INVALID_TYPE', ` must be an object, got ${describe(value)}`);
  rejectUnknownKeys(value, AUTH_KEYS, 'auth.', locate);
  const field = (name: string, secret: boolean): string | undefined => {
    const place = locate(`auth.${name}`);
    const text = optional(value[name], place, isString, 'a string', secret);
    if (text === '') fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
    return text;
  };
  const username = field('username', false);
  const secret = field('secret', true);
  const token = field('token', true);
  if (token !== undefined) {
    const place = locate('auth.token');
    if (username !== undefined || secret !== undefined) {
      fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' cannot be combined with auth.username/auth.secret');
    }
    if (!isValidHeaderValue(token)) fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' must not contain control characters');
    return { authorization: `Bearer ${token}`, authKind: 'bearer' };
  }
  if (username === undefined && secret === undefined) return { authorization: undefined, authKind: 'none' };
  if (secret === undefined) fail(locate('auth.secret'), 'ERR_WEBHOOK_MISSING_KEY', ': missing, auth.username needs it');
  if (username === undefined) fail(locate('auth.username'), 'ERR_WEBHOOK_MISSING_KEY', ': missing, auth.secret needs it');
  if (username.includes(':')) fail(locate('auth.username'), 'ERR_WEBHOOK_INVALID_VALUE', ` must not contain ":", got ${show(username)}`);
  const credentials = Buffer.from(`${username}:${secret}`, 'utf8').toString('base64');
  return { authorization: `Basic ${credentials}`, authKind: 'basic' };
}

/** A configured header; `at` names it in errors (` "X-Team" at index 1`), never showing its value. */
interface HeaderEntry {
  readonly name: string;
  readonly value: string;
  readonly at: string;
}

/**
 * How an error names header number `index`: by its name, and for `"Name: value"` lines by
 * index too. An invalid name that looks like a credential (`Authorization Bearer x`) is
 * not shown; values never are.
 */
function headerAt(name: string, index: number, isLine: boolean): string {
  const shown = isValidHeaderName(name) || !isSensitiveHeader(name);
  const label = shown ? ` ${show(name)}` : '';
  return isLine || !shown ? `${label} at index ${index}` : label;
}

function headerEntries(value: unknown, place: Place): HeaderEntry[] {
  if (Array.isArray(value)) {
    return value.map((line: unknown, index): HeaderEntry => {
      if (typeof line !== 'string') {
        fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must contain only "Name: value" strings, got ${describe(line)} at index ${index}`);
      }
      const header = parseHeaderLine(line);
      if (header === undefined)
        fail(place, 'ERR_WEBHOOK_INVALID_HEADER', `: expected "Name: value", got a line without ":" at index ${index}`);
      return { ...header, at: headerAt(header.name, index, true) };
    });
  }
  if (!isRecord(value)) {
    fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a list of "Name: value" strings or an object, got ${describe(value)}`);
  }
  return Object.entries(value).map(([name, text], index): HeaderEntry => {
    const at = headerAt(name, index, false);
    if (typeof text !== 'string')
      fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must map names to strings, got ${describe(text)} for header${at}`);
    return { name, value: text, at };
  });
}

function resolveHeaders(value: unknown, hasAuth: boolean, place: Place): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  const entries = headerEntries(value, place);
  const seen = new Set<string>();
  for (const { name, value: text, at } of entries) {
    const lower = name.toLowerCase();
    if (!isValidHeaderName(name)) fail(place, 'ERR_WEBHOOK_INVALID_HEADER', `: invalid header name${at}`);
    if (!isValidHeaderValue(text)) fail(place, 'ERR_WEBHOOK_INVALID_HEADER', `: invalid header value (control characters) in header${at}`);
    if (RESERVED_HEADERS.has(lower))
      fail(place, 'ERR_WEBHOOK_RESERVED_HEADER', `: ${show(name)} is set by the exporter and cannot be configured`);
    if (lower === 'authorization' && hasAuth) {
      fail(place, 'ERR_WEBHOOK_RESERVED_HEADER', `: ${show(name)} cannot be configured together with auth`);
    }
    if (seen.has(lower)) fail(place, 'ERR_WEBHOOK_INVALID_HEADER', `: ${show(name)} is given more than once`);
    seen.add(lower);
  }
  return Object.freeze(Object.fromEntries(entries.map(({ name, value: text }) => [name, text])));
}

function resolveCa(value: unknown, place: Place): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (!list.every(isString)) fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a PEM string or an array of them, got ${describe(value)}`);
  if (list.includes('')) fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' must not contain an empty certificate');
  return Object.freeze(list as string[]);
}

/** Throws ERR_WEBHOOK_DUPLICATE_ID when two webhooks share an id. */
export function assertUniqueIds(options: readonly WebhookOptions[]): void {
  const seen = new Set<string>();
  for (const { id } of options) {
    if (seen.has(id)) {
      throw new WebhookConfigError('ERR_WEBHOOK_DUPLICATE_ID', 'id', `id ${JSON.stringify(id)} is used by more than one webhook`);
    }
    seen.add(id);
  }
}

// ---------------------------------------------------------------------------------------------
// TOML

/** TOML keys of a webhook table → option names. */
const TOML_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['url', 'url'],
  ['events', 'events'],
  ['timeout', 'timeout'],
  ['throttle', 'throttle'],
  ['signature-key', 'signatureKey'],
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
]);

/**
 * Reads the webhooks of a Stalwart TOML configuration: every `[webhook."<id>"]` table with a
 * `url`; other tables are ignored. Each webhook is validated as {@link resolveWebhookOptions}
 * would, with errors naming the TOML key path and line. Durations come back as `*Millis`.
 */
export function parseWebhookConfig(toml: string): WebhookOptions[] {
  const root = parseToml(toml);
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

function parseToml(toml: string): Readonly<Record<string, unknown>> {
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

/** Maps a webhook table onto option names; numeric durations become `*Millis`. */
function fromTable(table: Input, id: string, at: (path: readonly string[]) => Place): Record<string, unknown> {
  const options: Record<string, unknown> = { id };
  for (const [key, value] of Object.entries(table)) {
    const option = TOML_OPTIONS.get(key);
    if (option === undefined) fail(at([key]), 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown key${didYouMean(key, [...TOML_OPTIONS.keys()])}`);
    const duration = DURATIONS.find(([text]) => text === option);
    if (duration !== undefined && (typeof value === 'number' || typeof value === 'bigint')) options[duration[1]] = Number(value);
    else options[option] = isRecord(value) ? { ...value } : value;
    if (option === 'auth' && isRecord(value)) {
      for (const name of Object.keys(value)) {
        if (!AUTH_KEYS.includes(name)) fail(at(['auth', name]), 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown key${didYouMean(name, AUTH_KEYS)}`);
      }
    }
  }
  return options;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `, did you mean "x"?` for the closest known key, else ''. */
function didYouMean(key: string, known: readonly string[]): string {
  const best = closestKey(key, known);
  return best === undefined ? '' : `, did you mean ${JSON.stringify(best)}?`;
}

/** `webhook."<id>".<path>`, with the line of the key (or of its closest parent) when found. */
function tomlPlace(id: string, path: readonly string[], lineOf: (path: readonly string[]) => number | undefined): Place {
  const segments = path.map((segment) => (/^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment)));
  const key = ['webhook', JSON.stringify(id), ...segments].join('.');
  const line = lineOf(['webhook', id, ...path]);
  return { key, note: line === undefined ? '' : ` (line ${line})`, line };
}

const SEGMENT = String.raw`(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)`;
const KEY_PATH = String.raw`${SEGMENT}(?:[ \t]*\.[ \t]*${SEGMENT})*`;
const TABLE_LINE = new RegExp(String.raw`^[ \t]*\[\[?[ \t]*(${KEY_PATH})[ \t]*\]`);
const KEY_LINE = new RegExp(String.raw`^[ \t]*(${KEY_PATH})[ \t]*=`);

function keySegments(path: string): string[] {
  return Array.from(path.matchAll(new RegExp(SEGMENT, 'g')), ([segment]) => {
    if (segment.startsWith("'")) return segment.slice(1, -1);
    if (!segment.startsWith('"')) return segment;
    try {
      const text: unknown = JSON.parse(segment);
      return typeof text === 'string' ? text : segment;
    } catch {
      return segment.slice(1, -1);
    }
  });
}

/**
 * A best-effort index of where each key is written: a line scan of table headers and
 * `key =` lines. Looks up a key path, else its closest parent, else the table's first key.
 */
function indexKeyLines(source: string): (path: readonly string[]) => number | undefined {
  const join = (path: readonly string[]): string => path.join('\u0000');
  const first = new Map<string, number>();
  let table: string[] = [];
  for (const [index, text] of source.split(/\r?\n/).entries()) {
    const header = TABLE_LINE.exec(text);
    const assignment = header === null ? KEY_LINE.exec(text) : null;
    if (header !== null) table = keySegments(header[1] ?? '');
    const path = header !== null ? table : assignment !== null ? [...table, ...keySegments(assignment[1] ?? '')] : undefined;
    if (path !== undefined && !first.has(join(path))) first.set(join(path), index + 1);
  }
  return (path) => {
    if (path.length < 2) return first.get(join(path));
    for (let length = path.length; length >= 2; length--) {
      const line = first.get(join(path.slice(0, length)));
      if (line !== undefined) return line;
    }
    const prefix = `${join(path.slice(0, 2))}\u0000`;
    let earliest: number | undefined;
    for (const [key, line] of first) {
      if (key.startsWith(prefix) && (earliest === undefined || line < earliest)) earliest = line;
    }
    return earliest;
  };
}
