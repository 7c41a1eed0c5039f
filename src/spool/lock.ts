import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebhookSpoolError } from './errors.ts';

/** Held until `release()`; the lock file then disappears. */
export interface SpoolLock {
  release(): void;
}

/** Spool directories this process holds (the pid in their lock file is ours). */
const held = new Set<string>();

const ATTEMPTS = 5;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** The pid in a lock file; `missing` when there is no file, `undefined` when it holds no pid. */
function readOwner(path: string): number | 'missing' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
  const pid = /^(\d{1,10})\n?$/.exec(text)?.[1];
  return pid === undefined || Number(pid) === 0 ? undefined : Number(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function lockedError(directory: string, pid: number): WebhookSpoolError {
  const who = pid === process.pid ? `this process (pid ${pid})` : `process ${pid}`;
  return new WebhookSpoolError(
    'ERR_WEBHOOK_SPOOL_LOCKED',
    directory,
    `spool directory ${directory} is in use by ${who}; every process (and every webhook) needs its own spool-dir`,
  );
}

/**
 * Takes the lock file `spool.lock` (holding our pid) in `directory`. A lock whose process is no
 * longer running, or that names our own pid while this process does not hold it (a restarted
 * container reusing the pid), is taken over with a warning. The file is created complete, by
 * linking a written temporary file, so a reader never sees it half written.
 */
export function acquireSpoolLock(directory: string, warn: (message: string) => void): SpoolLock {
  if (held.has(directory)) throw lockedError(directory, process.pid);
  const lockPath = join(directory, 'spool.lock');
  const ownPath = `${lockPath}.${process.pid}.tmp`;
  const asidePath = `${lockPath}.${process.pid}.stale`;
  try {
    writeFileSync(ownPath, `${process.pid}\n`);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        linkSync(ownPath, lockPath);
        held.add(directory);
        return { release: () => release(directory, lockPath) };
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const owner = readOwner(lockPath);
      if (owner === 'missing') continue;
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw lockedError(directory, owner);
      // Stale: move it aside (atomic, so of two processes taking over only one gets it), and put
      // it back if what was moved turns out to be a fresh lock of another process.
      try {
        renameSync(lockPath, asidePath);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue;
        throw error;
      }
      if (readOwner(asidePath) !== owner) {
        try {
          linkSync(asidePath, lockPath);
        } catch {
          // a third process holds it now; the next attempt reads it
        }
        unlinkQuietly(asidePath);
        continue;
      }
      unlinkQuietly(asidePath);
      warn(
        owner === undefined
          ? `spool ${directory}: took over an unreadable lock file`
          : `spool ${directory}: took over the lock of process ${owner}, which is no longer running`,
      );
    }
    const owner = readOwner(lockPath);
    throw typeof owner === 'number'
      ? lockedError(directory, owner)
      : new WebhookSpoolError('ERR_WEBHOOK_SPOOL_LOCKED', directory, `spool directory ${directory}: could not take its lock`);
  } catch (error) {
    if (error instanceof WebhookSpoolError) throw error;
    throw new WebhookSpoolError(
      'ERR_WEBHOOK_SPOOL_IO',
      directory,
      `spool directory ${directory}: cannot create its lock file: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    unlinkQuietly(ownPath);
  }
}

function release(directory: string, lockPath: string): void {
  if (!held.delete(directory)) return;
  try {
    if (readOwner(lockPath) === process.pid) unlinkSync(lockPath);
  } catch {
    // the next process takes over a lock whose process is gone
  }
}
