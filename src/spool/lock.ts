import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebhookSpoolError } from './errors.ts';
import { type Liveness, ownerLiveness, ownIdentity, type ProcessIdentity } from './process-liveness.ts';

/** Held until `release()`; the lock file then disappears. */
export interface SpoolLock {
  release(): void;
}

/** Spool directories this process holds, by device and inode (the same whatever path leads there). */
const held = new Set<string>();

const ATTEMPTS = 5;
/** `<pid>\n` (earlier versions, or without `/proc`) or `<pid> <start time>[ <boot id>]\n`. */
const LOCK_TEXT = /^(\d{1,10})(?: (\d{1,20})(?: ([0-9a-f-]{1,64}))?)?\n?$/;

/** A lock file's content: the owner, or `undefined` when it names none. */
interface LockFile {
  readonly text: string;
  readonly owner: ProcessIdentity | undefined;
}

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

function lockText(identity: ProcessIdentity): string {
  if (identity.startTime === undefined) return `${identity.pid}\n`;
  return `${[identity.pid, identity.startTime, identity.bootId].filter((part) => part !== undefined).join(' ')}\n`;
}

/** The lock file at `path`; `missing` when there is none. */
function readLock(path: string): LockFile | 'missing' {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
  const match = LOCK_TEXT.exec(text);
  const pid = Number(match?.[1] ?? 0);
  if (match === null || pid === 0) return { text, owner: undefined };
  return { text, owner: { pid, startTime: match[2], bootId: match[3] } };
}

function directoryKey(directory: string): string {
  const { dev, ino } = statSync(directory, { bigint: true });
  return `${dev}:${ino}`;
}

function lockedError(directory: string, pid: number): WebhookSpoolError {
  if (pid === process.pid) {
    return new WebhookSpoolError(
      'ERR_WEBHOOK_SPOOL_LOCKED',
      directory,
      `spool directory ${directory} is already in use by this process (pid ${pid}); every webhook processor needs its own id or spool-dir`,
    );
  }
  return new WebhookSpoolError(
    'ERR_WEBHOOK_SPOOL_LOCKED',
    directory,
    `spool directory ${directory} is in use by process ${pid}; every process (and every webhook) needs its own spool-dir`,
  );
}

const STALE: Record<Exclude<Liveness, 'alive'>, string> = {
  gone: 'is no longer running',
  zombie: 'has exited (a zombie its parent has not reaped yet)',
  reused: 'is no longer running (its pid now belongs to another process)',
  rebooted: 'ran before the system restarted',
};

/**
 * Whether the owner of a lock file still holds it: `alive`, or why not. A lock naming this
 * process's pid that this process does not hold is the pid of an earlier run (a restarted
 * container, where the process is always pid 1), unless it records this very process's start
 * time: then another thread or another copy of this package holds it.
 */
function liveness(owner: ProcessIdentity): Liveness | 'own-pid' {
  if (owner.pid !== process.pid) return ownerLiveness(owner);
  if (owner.startTime === undefined || ownIdentity().startTime === undefined) return 'own-pid';
  return ownerLiveness(owner);
}

function takeOverWarning(directory: string, lock: LockFile, why: Liveness | 'own-pid'): string {
  if (lock.owner === undefined) return `spool ${directory}: took over an unreadable lock file`;
  const reason = why === 'own-pid' || why === 'alive' ? 'was an earlier process with the same pid' : STALE[why];
  return `spool ${directory}: took over the lock of process ${lock.owner.pid}, which ${reason}`;
}

/**
 * Takes the lock file `spool.lock` in `directory`, recording this process's pid and, on Linux,
 * its start time and boot id. A lock whose process is no longer running (gone, a zombie, its
 * pid reused by another process, or from before a reboot) is taken over with a warning; one
 * held by a live process, this one included, is refused. The file is created complete, by
 * linking a written temporary file, so a reader never sees it half written.
 */
export function acquireSpoolLock(directory: string, warn: (message: string) => void): SpoolLock {
  const lockPath = join(directory, 'spool.lock');
  const ownPath = `${lockPath}.${process.pid}.tmp`;
  const asidePath = `${lockPath}.${process.pid}.stale`;
  let key: string;
  try {
    key = directoryKey(directory);
  } catch (error) {
    throw ioError(directory, error);
  }
  if (held.has(key)) throw lockedError(directory, process.pid);
  const text = lockText(ownIdentity());
  try {
    writeFileSync(ownPath, text);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        linkSync(ownPath, lockPath);
        held.add(key);
        return { release: () => release(key, lockPath, text) };
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const found = readLock(lockPath);
      if (found === 'missing') continue;
      const why = found.owner === undefined ? 'gone' : liveness(found.owner);
      if (why === 'alive' && found.owner !== undefined) throw lockedError(directory, found.owner.pid);
      // Stale: move it aside (atomic, so of two processes taking over only one gets it), and put
      // it back if what was moved turns out to be a fresh lock of another process.
      try {
        renameSync(lockPath, asidePath);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue;
        throw error;
      }
      const moved = readLock(asidePath);
      if (moved === 'missing' || moved.text !== found.text) {
        try {
          linkSync(asidePath, lockPath);
        } catch {
          // a third process holds it now; the next attempt reads it
        }
        unlinkQuietly(asidePath);
        continue;
      }
      unlinkQuietly(asidePath);
      warn(takeOverWarning(directory, found, why));
    }
    const found = readLock(lockPath);
    throw found !== 'missing' && found.owner !== undefined
      ? lockedError(directory, found.owner.pid)
      : new WebhookSpoolError('ERR_WEBHOOK_SPOOL_LOCKED', directory, `spool directory ${directory}: could not take its lock`);
  } catch (error) {
    if (error instanceof WebhookSpoolError) throw error;
    throw ioError(directory, error);
  } finally {
    unlinkQuietly(ownPath);
  }
}

function ioError(directory: string, error: unknown): WebhookSpoolError {
  return new WebhookSpoolError(
    'ERR_WEBHOOK_SPOOL_IO',
    directory,
    `spool directory ${directory}: cannot create its lock file: ${(error as Error).message}`,
    { cause: error },
  );
}

function release(key: string, lockPath: string, text: string): void {
  if (!held.delete(key)) return;
  try {
    if (readFileSync(lockPath, 'latin1') === text) unlinkSync(lockPath);
  } catch {
    // the next process takes over a lock whose process is gone
  }
}
