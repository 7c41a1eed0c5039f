import { crc32 } from 'node:zlib';
import { crcModule, crcTables, TABLE_BYTES } from './crc32-wasm.ts';

const PAGE = 64 * 1024;

/** A growable buffer that computes the CRC-32 (as zlib computes it) of a range of its bytes. */
export interface ChecksumBuffer {
  /** The bytes; a new view of them after {@link grow}. */
  readonly bytes: Buffer;
  /** Makes room for at least `capacity` bytes, keeping those written. */
  grow(capacity: number): void;
  /** The CRC-32 of `bytes[start, end)`. */
  crc(start: number, end: number): number;
}

type CrcAt = (at: number, length: number) => number;

/** What is used of the WebAssembly JavaScript API (not in the ES2023 library's types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
}

/** The API, the compiled module and its tables; null where there is no WebAssembly (`node --jitless`). */
let compiled: { readonly api: WasmApi; readonly module: object; readonly tables: Int32Array } | null | undefined;

function wasm(): typeof compiled {
  if (compiled === undefined) {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      compiled = api === undefined ? null : { api, module: new api.Module(crcModule()), tables: crcTables() };
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

function pagesFor(capacity: number): number {
  return Math.ceil((TABLE_BYTES + capacity) / PAGE);
}

/**
 * The bytes live in a WebAssembly memory, after the lookup tables, and the CRC is computed
 * there (crc32-wasm.ts): no view is made per range and no native call, which for records of a
 * few hundred bytes costs less than half of `zlib.crc32`.
 */
class WasmChecksumBuffer implements ChecksumBuffer {
  bytes: Buffer;
  private readonly memory: WasmMemory;
  private readonly crcAt: CrcAt;

  constructor(api: WasmApi, module: object, tables: Int32Array, capacity: number) {
    this.memory = new api.Memory({ initial: pagesFor(capacity) });
    new Int32Array(this.memory.buffer, 0, tables.length).set(tables);
    const instance = new api.Instance(module, { spool: { memory: this.memory } });
    this.crcAt = instance.exports['crc'] as CrcAt;
    this.bytes = this.view();
  }

  grow(capacity: number): void {
    const more = pagesFor(capacity) - this.memory.buffer.byteLength / PAGE;
    if (more > 0) this.memory.grow(more);
    this.bytes = this.view();
  }

  crc(start: number, end: number): number {
    return this.crcAt(TABLE_BYTES + start, end - start) >>> 0;
  }

  private view(): Buffer {
    const buffer = this.memory.buffer;
    return Buffer.from(buffer, TABLE_BYTES, buffer.byteLength - TABLE_BYTES);
  }
}

/** An ordinary buffer, and `zlib.crc32`. */
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

/** A buffer of at least `capacity` bytes: in a WebAssembly memory where there is WebAssembly, an ordinary one elsewhere. */
export function checksumBuffer(capacity: number): ChecksumBuffer {
  const found = wasm();
  if (found) {
    try {
      return new WasmChecksumBuffer(found.api, found.module, found.tables, capacity);
    } catch {
      // No memory to be had for it: the ordinary buffer may still fit.
    }
  }
  return new PlainChecksumBuffer(capacity);
}
