import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SpoolContents } from './segments.ts';

/**
 * `spool.meta`: whom the events of a spool are for, as a salted fingerprint (HMAC-SHA-256
 * with a random salt), never the URL itself.
 */
interface SpoolMeta {
  readonly version: 1;
  readonly salt: string;
  readonly destination: string;
}

const META = 'spool.meta';
const HEX = /^[0-9a-f]{32,128}$/;

/** What identifies an endpoint: origin, path and query. Credentials (and the fragment, never sent) are left out. */
export function destinationOf(url: URL): string {
  return `${url.origin}${url.pathname}${url.search}`;
}

function fingerprint(salt: string, destination: string): string {
  return createHmac('sha256', Buffer.from(salt, 'hex')).update(destination).digest('hex');
}

function newMeta(destination: string): SpoolMeta {
  const salt = randomBytes(16).toString('hex');
  return { version: 1, salt, destination: fingerprint(salt, destination) };
}

/** The metadata in `directory`: `missing` (a new spool, or one of an earlier version), `unreadable`, or what it says. */
function readMeta(directory: string): SpoolMeta | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(join(directory, META), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const meta = JSON.parse(text) as Partial<SpoolMeta>;
    if (meta.version === 1 && typeof meta.salt === 'string' && HEX.test(meta.salt) && typeof meta.destination === 'string') {
      return { version: 1, salt: meta.salt, destination: meta.destination };
    }
  } catch {
    // not JSON
  }
  return 'unreadable';
}

/** fsync of a directory, so that the names in it are durable (POSIX; a no-op where it fails). */
export function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `spool.meta` complete and durable, replacing the previous one in one step. */
function writeMeta(directory: string, text: string): void {
  const temporary = join(directory, `${META}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w');
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, join(directory, META));
  syncDirectory(directory);
}

/** `orphaned-20260118T110640Z` (or `-2`, `-3`, … when taken), created inside `directory`. */
function makeAsideDirectory(directory: string): string {
  const stamp = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
  for (let n = 1; ; n++) {
    const aside = join(directory, n === 1 ? `orphaned-${stamp}` : `orphaned-${stamp}-${n}`);
    try {
      mkdirSync(aside);
      return aside;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw error;
    }
  }
}

/**
 * Moves the segment files (and a copy of the metadata they were written under) into a new
 * `orphaned-…` directory inside `directory`, and syncs both, before anything else changes.
 */
function setAside(directory: string, found: SpoolContents, metaText: string | undefined): string {
  const aside = makeAsideDirectory(directory);
  if (metaText !== undefined) writeMeta(aside, metaText);
  for (const segment of found.segments) renameSync(segment.path, join(aside, basename(segment.path)));
  syncDirectory(aside);
  syncDirectory(directory);
  return aside;
}

/**
 * Whether the events in `directory` are for `destination`, known without reading them: its
 * metadata says so, or it has none (a new spool, or one of an earlier version: the metadata is
 * written now, as {@link checkDestination} would). False: only checkDestination can tell.
 */
export function claimDestination(directory: string, destination: string): boolean {
  const meta = readMeta(directory);
  if (meta === 'missing') {
    writeMeta(directory, `${JSON.stringify(newMeta(destination))}\n`);
    return true;
  }
  return typeof meta === 'object' && fingerprint(meta.salt, destination) === meta.destination;
}

/** What {@link checkDestination} decided. */
export interface DestinationCheck {
  /** The contents to recover: as found, or none when they were set aside. */
  readonly found: SpoolContents;
  /** Where the events meant for another destination were moved, with how many there are. */
  readonly setAside?: { readonly directory: string; readonly events: number; readonly unreadable: boolean };
}

/**
 * Compares the destination the spool's events were accepted for with the current one. When
 * it changed (or the metadata cannot be read) and events are pending, they are set aside in
 * an `orphaned-…` directory instead of being sent to an endpoint they were not meant for; the
 * spool then starts empty. A spool without metadata (a new one, or one written before the
 * metadata existed) is for the current destination. The metadata is rewritten last, after the
 * files moved are durable, so a crash never leaves old events under the new destination.
 * Throws on I/O errors.
 */
export function checkDestination(directory: string, found: SpoolContents, destination: string): DestinationCheck {
  const meta = readMeta(directory);
  if (typeof meta === 'object' && fingerprint(meta.salt, destination) === meta.destination) return { found };
  const text = `${JSON.stringify(newMeta(destination))}\n`;
  if (meta === 'missing' || found.events === 0) {
    writeMeta(directory, text);
    return { found };
  }
  const events = found.events;
  const aside = setAside(directory, found, meta === 'unreadable' ? undefined : `${JSON.stringify(meta)}\n`);
  writeMeta(directory, text);
  return {
    found: { segments: [], acked: new Set(), events: 0, bytes: 0, tornRecords: found.tornRecords },
    setAside: { directory: aside, events, unreadable: meta === 'unreadable' },
  };
}
