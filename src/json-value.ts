/** Deepest nesting written; anything deeper is written as `null`. */
export const MAX_DEPTH = 16;

/**
 * Keys whose values Stalwart writes as plain JSON integers above 2^53. A string of decimal
 * digits (the OTel SDK drops bigint attributes, so applications pass these as strings) or a
 * bigint under such a key is written as an exact JSON integer literal.
 */
export type IntegerKeys = ReadonlySet<string>;

const DIGITS = /^(?:0|[1-9]\d{0,19})$/;
const U64_MAX = 18446744073709551615n;

function isU64Digits(value: string): boolean {
  return DIGITS.test(value) && (value.length < 20 || BigInt(value) <= U64_MAX);
}

/**
 * Writes an OTel attribute value (or any JS value) as JSON text, or returns undefined when the
 * value has nothing to write (undefined, symbols, functions), so its key can be omitted.
 * Bytes become standard base64, non-finite numbers `null`, bigints exact integers, Dates
 * RFC 3339 strings; cycles and nesting deeper than {@link MAX_DEPTH} are cut to `null`.
 */
export function writeValue(
  value: unknown,
  key: string | undefined,
  integerKeys: IntegerKeys,
  depth: number,
  ancestors: object[] | undefined,
): string | undefined {
  switch (typeof value) {
    case 'string':
      return key !== undefined && integerKeys.has(key) && isU64Digits(value) ? value : JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? 'null' : writeObject(value, integerKeys, depth, ancestors);
    default:
      return undefined;
  }
}

function writeObject(
  value: object,
  integerKeys: IntegerKeys,
  depth: number,
  ancestors: object[] | undefined,
): string {
  if (value instanceof Uint8Array) {
    return `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`;
  }
  if (value instanceof Date) {
    const time = value.getTime();
    return Number.isFinite(time) ? `"${new Date(time - (time % 1000)).toISOString().slice(0, 19)}Z"` : 'null';
  }
  if (depth >= MAX_DEPTH) return 'null';
  const stack = ancestors ?? [];
  if (stack.includes(value)) return 'null';
  stack.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += writeValue(value[i], undefined, integerKeys, depth + 1, stack) ?? 'null';
    }
    out += ']';
  } else if (value instanceof Map) {
    out = writeEntries(value.entries(), integerKeys, depth, stack);
  } else {
    out = writeEntries(Object.entries(value), integerKeys, depth, stack);
  }
  stack.pop();
  return out;
}

function writeEntries(
  entries: Iterable<[unknown, unknown]>,
  integerKeys: IntegerKeys,
  depth: number,
  stack: object[],
): string {
  let out = '{';
  for (const [k, v] of entries) {
    const name = String(k);
    const text = writeValue(v, name, integerKeys, depth + 1, stack);
    if (text === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(name)}:${text}`;
  }
  return `${out}}`;
}
