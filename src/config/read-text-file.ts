import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Largest file a `%{file:…}%` macro or a `File` secret may name. */
export const MAX_FILE_BYTES = 1_048_576;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a file could not be read, without anything read from it. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Reads a regular file of at most {@link MAX_FILE_BYTES} as UTF-8, synchronously (configuration
 * is read before anything starts). Throws an `Error` whose message says why, never what the file
 * holds. Devices, FIFOs and directories are refused: they could block, or never end.
 */
export function readTextFile(path: string): string {
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO returns at once (and is then refused).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new Error(reason(error));
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new Error('is a directory');
    if (!stats.isFile()) throw new Error('is not a regular file');
    let buffer = Buffer.alloc(Math.min(stats.size, MAX_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_FILE_BYTES) throw new Error(`is larger than ${MAX_FILE_BYTES} bytes`);
      // The file grew since fstat: keep reading, up to the limit.
      if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.alloc(MAX_FILE_BYTES + 1 - length)]);
    }
    try {
      return utf8.decode(buffer.subarray(0, length));
    } catch {
      throw new Error('is not valid UTF-8');
    }
  } catch (error) {
    if (error instanceof Error && !('code' in error)) throw error;
    throw new Error(reason(error));
  } finally {
    closeSync(fd);
  }
}
