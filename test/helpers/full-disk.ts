import assert from 'node:assert/strict';
import { writeSync } from 'node:fs';
import { FileSpool } from '../../src/spool/file-spool.ts';
import type { Spool } from '../../src/spool/spool.ts';

function noSpace(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

/**
 * The disk under an open spool, as its writes see it: it takes `room` more bytes (all it is
 * given, by default), then a write stops short at the last byte that fits and the next one
 * fails with ENOSPC, as on a file system that is full.
 */
export class FullDisk {
  room: number = Number.POSITIVE_INFINITY;
  /** Writes that failed. */
  failures = 0;

  constructor(spool: Spool) {
    assert.ok(spool instanceof FileSpool, 'a spool opened with openSpool');
    spool['writer'].writeFile = (fd, buffer, offset, length) => this.write(fd, buffer, offset, length);
  }

  private write(fd: number, buffer: Buffer, offset: number, length: number): number {
    if (this.room <= 0) {
      this.failures++;
      throw noSpace();
    }
    const written = writeSync(fd, buffer, offset, Math.min(length, this.room));
    this.room -= written;
    return written;
  }
}

/** Lets the turn of the event loop end, and with it the spool's group write. */
export function endOfTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
