import { crc32 } from 'node:zlib';
import { checksumMatches } from './record.ts';

/**
 * Groups of records under one checksum (see docs/spool.md, "On-disk format"). The records of
 * one write are put into groups of about {@link GROUP_BYTES}: a group line
 * `<crc32 of its body>\tG\t<length, 8 hex>\t<crc32 of the group, 8 hex>` is followed by
 * `length` bytes of whole lines, each `-<distance, 7 hex>\t<body>`: instead of a checksum of
 * its own, a grouped line names how far back its group line starts, and is intact only when
 * that group's checksum matches. One checksum per group instead of one per record.
 */

/** A group is closed once it holds this many bytes: a damaged byte costs at most the records of one group. */
export const GROUP_BYTES = 4096;
/** Bytes of a group line, its newline included. */
export const GROUP_LINE = 29;
/** The first byte of a grouped line. */
export const DASH = 0x2d;

const TAB = 0x09;
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** Writes `value` (below 16^digits) as `digits` lower-case hex digits at `at`; returns where they end. */
export function writeHex(buffer: Buffer, at: number, value: number, digits: number): number {
  for (let i = 0; i < digits; i++) buffer[at + i] = HEX[(value >>> (4 * (digits - 1 - i))) & 0xf] as number;
  return at + digits;
}

/** `digits` hex digits at `at` as a number; -1 when one is not a lower-case hex digit. */
function readHex(bytes: Buffer, at: number, digits: number): number {
  let value = 0;
  for (let i = at; i < at + digits; i++) {
    const c = bytes[i] as number;
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * Writes the group line at `start` of `buffer` for the group of lines `buffer[start +
 * GROUP_LINE, end)`.
 */
export function sealGroup(buffer: Buffer, start: number, end: number): void {
  const bodyStart = start + GROUP_LINE;
  let at = start + 9;
  buffer[at++] = 0x47;
  buffer[at++] = TAB;
  at = writeHex(buffer, at, end - bodyStart, 8);
  buffer[at++] = TAB;
  at = writeHex(buffer, at, crc32(buffer.subarray(bodyStart, end)), 8);
  writeHex(buffer, start, crc32(buffer.subarray(start + 9, at)), 8);
  buffer[start + 8] = TAB;
  buffer[at] = 0x0a;
}

/** Writes the prefix of a grouped line at `start`: `-<distance back to its group line>\t`. */
export function writeGroupedPrefix(buffer: Buffer, start: number, groupStart: number): void {
  buffer[start] = DASH;
  writeHex(buffer, start + 1, start - groupStart, 7);
  buffer[start + 8] = TAB;
}

/** What a group line says: how many bytes of lines follow it, and their checksum. */
export interface GroupHeader {
  readonly length: number;
  readonly crc: number;
}

/** The group line `line` (without its newline), when it is one and intact; else undefined. */
export function groupHeader(line: Buffer): GroupHeader | undefined {
  if (line.length !== GROUP_LINE - 1 || line[9] !== 0x47 || line[10] !== TAB || line[19] !== TAB) return undefined;
  if (!checksumMatches(line)) return undefined;
  const length = readHex(line, 11, 8);
  const crc = readHex(line, 20, 8);
  return length < 0 || crc < 0 ? undefined : { length, crc };
}

/** Whether `bytes` are the lines a group line says follow it. */
export function groupMatches(header: GroupHeader, bytes: Buffer): boolean {
  return bytes.length === header.length && crc32(bytes) === header.crc;
}

/** How far back from its own start the group line of the grouped line `line` starts; -1 when it is not a grouped line. */
export function groupDistance(line: Buffer): number {
  if (line.length < 11 || line[0] !== DASH || line[8] !== TAB) return -1;
  const distance = readHex(line, 1, 7);
  return distance >= GROUP_LINE ? distance : -1;
}
