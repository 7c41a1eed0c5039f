import { rfc3339Seconds } from './timestamp.ts';

/** Deepest nesting written; anything deeper is written as `null`. */
export const MAX_DEPTH = 16;

/** Most values (of any kind, at any depth) written for one event. */
export const MAX_NODES = 1_000_000;

/**
 * What writing one event may still spend: values to visit and characters to write. A value
 * built from shared references (`a = [b, b]`, `b = [c, c]`, …) has far more nodes than the
 * memory it takes, so both are counted while writing, never after.
 */
export interface WriteBudget {
  nodes: number;
  chars: number;
}

/** Thrown when an event would need more than its {@link WriteBudget}. */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
}

/** A budget of {@link MAX_NODES} values and `maxChars` characters. */
export function writeBudget(maxChars: number): WriteBudget {
  return { nodes: MAX_NODES, chars: maxChars };
}

/** Takes `chars` from the budget; throws once it is spent. */
export function spend(budget: WriteBudget, chars: number): void {
  budget.chars -= chars;
  if (budget.chars < 0) throw new EventTooLargeError('more characters than the event may hold');
}

/**
 * Keys whose values Stalwart writes as plain JSON integers above 2^53. A string of decimal
 * digits (the OTel SDK drops bigint attributes, so applications pass these as strings) or a
 * bigint under such a key is written as an exact JSON integer literal.
 */
export type IntegerKeys = ReadonlySet<string>;

/** Strings longer than this go straight to `JSON.stringify`, which is fastest on long text. */
const SCAN_LIMIT = 256;

/**
 * `JSON.stringify(text)`. Short printable-ASCII text without `"` or `\` (almost every attribute
 * value) needs no escaping and is quoted directly, which is cheaper than a call into the JSON
 * serializer.
 */
export function quoteString(text: string): string {
  const length = text.length;
  if (length > SCAN_LIMIT) return JSON.stringify(text);
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * Most distinct attribute keys whose member prefixes are remembered; later keys are quoted on
 * each call. (Keys inside nested maps are not remembered: they may be data, not names.)
 */
const MAX_CACHED_KEYS = 2048;
/** Longer keys are quoted on each call, so that the cache never holds much text. */
const MAX_CACHED_KEY_LENGTH = 256;

/** How a key starts a JSON member: first in its object, or after another member. */
export interface MemberPrefix {
  /** `"key":` */
  readonly first: string;
  /** `,"key":` */
  readonly next: string;
}

const prefixCache = new Map<string, MemberPrefix>();

/** The quoted key and colon that start a member, with and without the comma before it. */
export function memberPrefix(key: string): MemberPrefix {
  let prefix = prefixCache.get(key);
  if (prefix === undefined) {
    const first = `${JSON.stringify(key)}:`;
    prefix = { first, next: `,${first}` };
    if (prefixCache.size < MAX_CACHED_KEYS && key.length <= MAX_CACHED_KEY_LENGTH) prefixCache.set(key, prefix);
  }
  return prefix;
}

/** The largest unsigned 64-bit integer; decimal strings of equal length compare as numbers. */
const U64_MAX_DIGITS = '18446744073709551615';

/** Whether `value` is `0` or a decimal integer without leading zeros, at most 2^64 - 1. */
function isU64Digits(value: string): boolean {
  const length = value.length;
  if (length === 0 || length > U64_MAX_DIGITS.length) return false;
  if (value.charCodeAt(0) === 0x30) return length === 1;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return length < U64_MAX_DIGITS.length || value <= U64_MAX_DIGITS;
}

/**
 * Writes an OTel attribute value (or any JS value) as JSON text, or returns undefined when the
 * value has nothing to write (undefined, symbols, functions), so its key can be omitted.
 * Bytes become standard base64, non-finite numbers `null`, bigints exact integers, Dates
 * RFC 3339 strings (`null` outside the years 0000–9999); cycles and nesting deeper than
 * {@link MAX_DEPTH} are cut to `null`. Every value visited and every character written is taken
 * from `budget`; throws {@link EventTooLargeError} as soon as it is spent.
 */
export function writeValue(
  value: unknown,
  key: string | undefined,
  integerKeys: IntegerKeys,
  depth: number,
  ancestors: object[] | undefined,
  budget: WriteBudget,
): string | undefined {
  if (--budget.nodes < 0) throw new EventTooLargeError(`more than ${MAX_NODES} values`);
  let text: string;
  switch (typeof value) {
    case 'string':
      // Checked before quoting, so that a huge string is never copied.
      spend(budget, value.length);
      return key !== undefined && integerKeys.has(key) && isU64Digits(value) ? value : quoteString(value);
    case 'number':
      text = Number.isFinite(value) ? String(value) : 'null';
      break;
    case 'boolean':
      text = value ? 'true' : 'false';
      break;
    case 'bigint':
      text = value.toString();
      break;
    case 'object':
      return value === null ? 'null' : writeObject(value, integerKeys, depth, ancestors, budget);
    default:
      return undefined;
  }
  spend(budget, text.length);
  return text;
}

function writeObject(value: object, integerKeys: IntegerKeys, depth: number, ancestors: object[] | undefined, budget: WriteBudget): string {
  if (value instanceof Uint8Array) {
    spend(budget, Math.ceil(value.byteLength / 3) * 4 + 2);
    return `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`;
  }
  if (value instanceof Date) {
    const text = rfc3339Seconds(value.getTime());
    return text === undefined ? 'null' : `"${text}"`;
  }
  if (depth >= MAX_DEPTH) return 'null';
  const stack = ancestors ?? [];
  if (stack.includes(value)) return 'null';
  stack.push(value);
  // The brackets; members add their keys and commas as they are written.
  spend(budget, 2);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) {
        spend(budget, 1);
        out += ',';
      }
      out += writeValue(value[i], undefined, integerKeys, depth + 1, stack, budget) ?? 'null';
    }
    out += ']';
  } else if (value instanceof Map) {
    out = writeEntries(value.entries(), integerKeys, depth, stack, budget);
  } else {
    out = writeEntries(Object.entries(value), integerKeys, depth, stack, budget);
  }
  stack.pop();
  return out;
}

function writeEntries(
  entries: Iterable<[unknown, unknown]>,
  integerKeys: IntegerKeys,
  depth: number,
  stack: object[],
  budget: WriteBudget,
): string {
  let out = '{';
  for (const [k, v] of entries) {
    const name = String(k);
    const text = writeValue(v, name, integerKeys, depth + 1, stack, budget);
    if (text === undefined) continue;
    // At least the quotes and the colon, counted before the key is quoted.
    spend(budget, name.length + 3);
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(name)}:${text}`;
  }
  return `${out}}`;
}
