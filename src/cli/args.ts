import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { parseDuration } from '../config/duration.ts';
import { UsageError } from './errors.ts';

type Parsed<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/** Parses a command's arguments strictly; any problem becomes a {@link UsageError}. */
export function parseCommandArgs<const T extends ParseArgsOptionsConfig>(args: readonly string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages go on to explain `--`; the first sentence says what is wrong.
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.split(/\.\s/)[0] ?? message);
  }
}

/** True when `--help` or `-h` comes before any `--`. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  return options.includes('--help') || options.includes('-h');
}

/** An integer option value within [min, max]; `undefined` stays `undefined`. */
export function integerOption(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A duration option: bare digits are milliseconds (0 allowed), else a duration like `2s`. */
export function durationOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const millis = /^\d+$/.test(text.trim()) ? Number(text.trim()) : parseDuration(text);
  if (millis === undefined || !Number.isSafeInteger(millis) || millis > 2 ** 31 - 1) {
    throw new UsageError(`--${name} must be milliseconds or a duration like "2s", got ${JSON.stringify(text)}`);
  }
  return millis;
}

/** Throws a usage error unless there are between `min` and `max` positional arguments. */
export function expectPositionals(positionals: readonly string[], min: number, max: number, what: string): void {
  if (positionals.length < min) throw new UsageError(`missing ${what}`);
  if (positionals.length > max) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[max])}`);
  }
}
