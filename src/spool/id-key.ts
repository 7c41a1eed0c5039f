const QUOTE = 0x22;
const ZERO = 0x30;
const NINE = 0x39;
/** Digits of {@link IdKey.low}: the last ones of an id. */
const LOW_DIGITS = 6;
/** Longest plain id: the digits before the last six then stay exact in a double (at most 15). */
const MAX_DIGITS = 21;

/**
 * An event id as two numbers, so that the spool keeps no string per pending event: `high`, the
 * digits before the last six, and `low`, the last six. Only a plain id has them: 1 to 21
 * decimal digits without a leading zero, as every id this package makes; for any other,
 * `high` is NaN. Plain ids compare as numbers: by `high`, then by `low`. One instance is
 * reused for every id read.
 */
export class IdKey {
  high = 0;
  low = 0;
  /** Where the digits ended in the bytes last read ({@link fromBytes}). */
  end = 0;
  private source: Buffer | undefined;
  private start = 0;
  private textForm: string | undefined;

  /** Whether the id last read is plain. */
  plain = true;

  /** Reads the id whose digits start at `start` of `bytes` and end at a `"`; false when it is not plain. */
  fromBytes(bytes: Buffer, start: number): boolean {
    this.source = bytes;
    this.start = start;
    this.textForm = undefined;
    let end = start;
    const limit = Math.min(bytes.length, start + MAX_DIGITS + 1);
    while (end < limit) {
      const c = bytes[end] as number;
      if (c < ZERO || c > NINE) break;
      end++;
    }
    this.end = end;
    const digits = end - start;
    if (digits === 0 || digits > MAX_DIGITS || bytes[end] !== QUOTE || (digits > 1 && bytes[start] === ZERO)) {
      this.high = Number.NaN;
      this.plain = false;
      return false;
    }
    // Three chains of 32-bit arithmetic, from the end: the last 6 digits, the 9 before, the rest (at most 6).
    const lowStart = Math.max(start, end - LOW_DIGITS);
    const middleStart = Math.max(start, lowStart - 9);
    let top = 0;
    for (let i = start; i < middleStart; i++) top = top * 10 + (bytes[i] as number) - ZERO;
    let middle = 0;
    for (let i = middleStart; i < lowStart; i++) middle = middle * 10 + (bytes[i] as number) - ZERO;
    let low = 0;
    for (let i = lowStart; i < end; i++) low = low * 10 + (bytes[i] as number) - ZERO;
    const high = top * 1e9 + middle;
    this.high = high;
    this.low = low;
    this.plain = true;
    return true;
  }

  /** Reads an id given as text; false when it is not plain. */
  fromText(id: string): boolean {
    this.source = undefined;
    this.textForm = id;
    const digits = id.length;
    let plain = digits > 0 && digits <= MAX_DIGITS && (digits === 1 || id.charCodeAt(0) !== ZERO);
    const split = Math.max(0, digits - LOW_DIGITS);
    let high = 0;
    let low = 0;
    for (let i = 0; plain && i < digits; i++) {
      const d = id.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) plain = false;
      else if (i < split) high = high * 10 + d;
      else low = low * 10 + d;
    }
    this.high = plain ? high : Number.NaN;
    this.low = low;
    this.plain = plain;
    return plain;
  }

  /** The id as text (made only when asked for); for a plain id only, or one read with {@link fromText}. */
  text(): string {
    this.textForm ??= (this.source as Buffer).toString('latin1', this.start, this.end);
    return this.textForm;
  }
}

/** The text of the plain id of these numbers (see {@link IdKey}). */
export function idText(high: number, low: number): string {
  return high === 0 ? String(low) : String(high) + String(low).padStart(LOW_DIGITS, '0');
}

/** Whether plain id `(high, low)` is below plain id `(otherHigh, otherLow)`. */
export function idBelow(high: number, low: number, otherHigh: number, otherLow: number): boolean {
  return high < otherHigh || (high === otherHigh && low < otherLow);
}
