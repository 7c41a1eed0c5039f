/** A request body that is not a valid OTLP logs request: answered 400, the message saying where and why. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** Deepest AnyValue nesting converted; deeper values become `null` (events are written 16 levels deep at most). */
export const MAX_VALUE_DEPTH = 32;

/** What a decoder found besides the records: notes for the sender (sent as a partial-success warning). */
export interface DecodeNotes {
  warnings: string[];
}

/** `true` for `xs` of 2n hex digits. */
const HEX = /^[0-9a-fA-F]*$/;

/** A trace or span id as lowercase hex: '' when empty, else exactly `bytes` bytes. */
export function checkHexId(hex: string, bytes: number, where: string): string {
  if (hex === '') return '';
  if (hex.length !== bytes * 2 || !HEX.test(hex)) {
    throw new OtlpDecodeError(
      `${where}: must be ${bytes} bytes (${bytes * 2} hex digits) or empty, got ${JSON.stringify(hex.slice(0, 80))}`,
    );
  }
  return hex.toLowerCase();
}
