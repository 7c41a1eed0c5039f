// The scalar fields of OTLP/JSON: the proto3 JSON mapping with OTLP's changes (hex trace and
// span ids, 64-bit integers as strings or numbers), and the errors that name where a field is wrong.
import { checkHexId } from './decode-error.ts';

export type JsonObject = Record<string, unknown>;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX: bigint = 2n ** 64n - 1n;
export const BASE64: RegExp = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/**
 * A field that is not what OTLP/JSON allows. Its path is built on the way out, one segment per
 * level, so that nothing is spent on paths unless something is wrong.
 */
export class FieldError extends Error {
  path = '';
}

export function fail(message: string): never {
  throw new FieldError(message);
}

/** Rethrows `error` with `segment` in front of its path. */
export function within(error: unknown, segment: string): never {
  if (error instanceof FieldError) error.path = segment + error.path;
  throw error;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

export function object(value: unknown): JsonObject | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(`expected an object, got ${describe(value)}`);
  return value as JsonObject;
}

export function array(value: unknown): readonly unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) fail(`expected an array, got ${describe(value)}`);
  return value;
}

export function string(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') fail(`expected a string, got ${describe(value)}`);
  return value;
}

/** An integer given as a JSON number or a decimal string, within [min, max]. */
export function integer(value: unknown, min: bigint, max: bigint): bigint {
  if (value === null || value === undefined) return 0n;
  let big: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) big = BigInt(value);
  if (big === undefined || big < min || big > max) fail(`expected an integer from ${min} to ${max}, got ${describe(value)}`);
  return big;
}

/** A 32-bit unsigned integer; the common small JSON number without a detour through bigint. */
export function uint32(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  return Number(integer(value, 0n, 0xffffffffn));
}

export function double(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return fail(`expected a number, got ${describe(value)}`);
}

export function intValue(value: unknown): number | bigint {
  // A JSON number is already a double: kept as the same number an SDK would have had.
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const big = integer(value, INT64_MIN, INT64_MAX);
  const small = Number(big);
  return Number.isSafeInteger(small) ? small : big;
}

export function hexId(hex: string, bytes: number): string {
  try {
    return checkHexId(hex, bytes, '');
  } catch (error) {
    return fail((error as Error).message.replace(/^: /, ''));
  }
}

/** Runs `read`, putting `segment` in front of the path of any FieldError it throws. */
export function at<T>(segment: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    return within(error, segment);
  }
}
