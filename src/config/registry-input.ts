import { WebhookConfigError } from './errors.ts';

/** One WebHook object found in the input, with what names it. */
export interface RegistryEntry {
  readonly object: unknown;
  /** The id from a snapshot's key (`webhook-<id>`), when it came from one. */
  readonly key: string | undefined;
  /** The 1-based NDJSON line it was on, when the input is NDJSON. */
  readonly line: number | undefined;
  /** Where it is, for errors about the object as a whole: `list[0]`, `line 3`. */
  readonly where: string;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string, line?: number): never {
  throw new WebhookConfigError('ERR_WEBHOOK_JSON', '', message, line);
}

/** 1-based line and column of offset `at` in `text`. */
function lineColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/**
 * Parses JSON. A syntax error becomes a config error with its line and column and the parser's
 * reason, but never the snippet of source the parser quotes, which may hold a secret.
 */
function parseJson(text: string, lineOffset = 0): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    let reason = message.split(/,? (?:in JSON at position|")/)[0] ?? message;
    // That reason quotes the character it stopped at, which may be part of a secret.
    if (reason.startsWith('Unexpected token')) reason = 'Unexpected character';
    if (position === null) fail(`invalid JSON: ${reason}${lineOffset > 0 ? ` (line ${lineOffset})` : ''}`, lineOffset || undefined);
    const { line, column } = lineColumn(text, Number(position[1]));
    const at = lineOffset > 0 ? lineOffset : line;
    fail(`invalid JSON: ${reason} (line ${at}, column ${column})`, at);
  }
}

/** The WebHook objects of a snapshot operation (`upsert`, `create`); nothing for other objects and for `destroy`. */
function fromOperation(op: Json, where: string, line: number | undefined): RegistryEntry[] {
  const type = op['@type'];
  if (op['object'] !== 'WebHook') return [];
  if (type === 'destroy') return [];
  if (type !== 'upsert' && type !== 'create') {
    fail(`${where}: a ${JSON.stringify(type)} operation on WebHook cannot be read; expected "upsert" or "create"`, line);
  }
  const value = op['value'];
  if (!isObject(value)) fail(`${where}: the ${type} operation has no "value" object of WebHooks`, line);
  return Object.entries(value).map(([key, object]) => ({
    object,
    key: key.startsWith('webhook-') ? key.slice('webhook-'.length) : key,
    line,
    where: line === undefined ? `${where}.value.${JSON.stringify(key)}` : `line ${line}`,
  }));
}

const OPERATIONS = new Set(['upsert', 'create', 'update', 'destroy']);

/** A value of the input: a WebHook, a snapshot operation, a JMAP response or an array of them. */
function fromValue(value: unknown, where: string, line: number | undefined): RegistryEntry[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => fromValue(item, `${where}[${index}]`, line));
  if (!isObject(value))
    fail(`${where || 'the input'}: expected a WebHook object, got ${Array.isArray(value) ? 'an array' : typeof value}`, line);
  const type = value['@type'];
  if (typeof type === 'string' && OPERATIONS.has(type) && 'object' in value) return fromOperation(value, where || 'the input', line);
  if (Array.isArray(value['methodResponses'])) {
    const responses = value['methodResponses'].filter((response) => Array.isArray(response) && response[0] === 'x:WebHook/get');
    if (responses.length === 0) fail('the JMAP response has no x:WebHook/get response', line);
    return responses.flatMap((response: unknown[], index) => fromValue(response[1], `methodResponses[${index}]`, line));
  }
  if ('list' in value) {
    if (!Array.isArray(value['list'])) fail(`${where ? `${where}.` : ''}list: expected an array of WebHook objects`, line);
    return value['list'].map((object, index) => ({ object, key: undefined, line, where: `${where ? `${where}.` : ''}list[${index}]` }));
  }
  return [{ object: value, key: undefined, line, where: where || 'the object' }];
}

/**
 * The WebHook objects of 0.16 registry JSON, in any of the forms Stalwart and its CLI print:
 * one object, an array of them, a JMAP `x:WebHook/get` response (its arguments, with `list`, or
 * the whole `methodResponses` envelope), or `stalwart-cli snapshot` NDJSON (one operation per
 * line; operations on other objects and `destroy` are skipped).
 */
export function registryEntries(text: string): RegistryEntry[] {
  const body = text.replace(/^\uFEFF/, '');
  let whole: unknown;
  let wholeError: unknown;
  try {
    whole = parseJson(body);
  } catch (error) {
    wholeError = error;
  }
  if (wholeError === undefined) return fromValue(whole, '', undefined);
  const lines = body.split(/\r?\n/);
  const filled = lines.filter((line) => line.trim() !== '');
  // NDJSON when the first line is a JSON value by itself; otherwise one broken JSON document.
  if (filled.length < 2 || !isObject(tryParse(filled[0] ?? ''))) throw wholeError;
  return lines.flatMap((line, index) => (line.trim() === '' ? [] : fromValue(parseJson(line, index + 1), '', index + 1)));
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
