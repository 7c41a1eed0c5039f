import { rfc3339Seconds } from '../records/timestamp.ts';

/** One event read from an NDJSON line. */
export interface InputEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** When the event happened, if the line says. */
  readonly createdAt: Date | undefined;
}

/** A line that became an event, or why it could not. */
export type ParsedLine = { readonly event: InputEvent } | { readonly problem: string };

const MAX_SHOWN = 60;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * Reads one NDJSON line `{"type": "...", "data": {...}, "createdAt": "..."}`. `data` and
 * `createdAt` (an RFC 3339 timestamp, years 0000 to 9999) are optional; other fields, such as the `id` of an event
 * captured by `listen --json`, are ignored. Returns `undefined` for a blank line.
 */
export function parseEventLine(line: string): ParsedLine | undefined {
  const text = line.replace(/^\uFEFF/, '').trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text;
    return { problem: `not valid JSON: ${shown}` };
  }
  if (!isPlainObject(value)) return { problem: `expected an object like {"type": "auth.success", "data": {}}, got ${kind(value)}` };
  const { type, data, createdAt } = value;
  if (typeof type !== 'string') return { problem: `"type" must be a string, got ${type === undefined ? 'nothing' : kind(type)}` };
  if (type.trim() === '') return { problem: '"type" must not be empty' };
  if (data !== undefined && !isPlainObject(data)) return { problem: `"data" must be an object, got ${kind(data)}` };
  let at: Date | undefined;
  if (createdAt !== undefined) {
    const millis = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
    if (rfc3339Seconds(millis) === undefined) {
      return {
        problem: `"createdAt" must be a timestamp like "2026-11-22T10:05:14Z" in the years 0000 to 9999, got ${JSON.stringify(createdAt)}`,
      };
    }
    at = new Date(millis);
  }
  return { event: { type, data: data ?? {}, createdAt: at } };
}
