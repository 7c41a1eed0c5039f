import { crc32 } from 'node:zlib';

/** A growable buffer that computes the CRC-32 (as zlib computes it) of a range of its bytes. */
export interface ChecksumBuffer {
  /** The bytes; a new view of them after {@link grow}. */
  readonly bytes: Buffer;
  /** Makes room for at least `capacity` bytes, keeping those written. */
  grow(capacity: number): void;
  /** The CRC-32 of `bytes[start, end)`. */
  crc(start: number, end: number): number;
}

/** An ordinary buffer, and Node's own `zlib.crc32`. */
class PlainChecksumBuffer implements ChecksumBuffer {
  bytes: Buffer;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(capacity);
  }

  grow(capacity: number): void {
    if (capacity <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(capacity);
    this.bytes.copy(grown);
    this.bytes = grown;
  }

  crc(start: number, end: number): number {
    return crc32(this.bytes.subarray(start, end));
  }
}

/** A buffer of at least `capacity` bytes. */
export function checksumBuffer(capacity: number): ChecksumBuffer {
  return new PlainChecksumBuffer(capacity);
}
