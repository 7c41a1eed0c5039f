import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { WebhookEvent } from '../../src/records/event.ts';
import { openSpool, type Spool, type SpoolOptions } from '../../src/spool/spool.ts';

/** A fresh directory, removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'spool-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Opened {
  readonly spool: Spool;
  readonly warnings: string[];
  readonly notes: string[];
}

/** A spool log that ignores everything. */
export const quiet: SpoolOptions['log'] = { warn: () => {}, debug: () => {} };

/** Opens a spool whose warnings and info notes are collected; it is closed when the test ends. */
export function open(t: TestContext, dir: string, options: Partial<SpoolOptions> = {}): Opened {
  const warnings: string[] = [];
  const notes: string[] = [];
  const spool = openSpool(dir, {
    maxBytes: 16 * 1024 * 1024,
    log: { warn: (message) => warnings.push(message), info: (message) => notes.push(message), debug: () => {} },
    ...options,
  });
  t.after(() => spool.close());
  return { spool, warnings, notes };
}

/** Event number `i`, with a distinct id and acceptance time. */
export function event(i: number, data = `"n":${i}`, type = 'auth.success'): WebhookEvent {
  const id = `1795000000${String(i).padStart(6, '0')}123`;
  const json = `{"id":"${id}","createdAt":"2026-11-18T11:06:40Z","type":"${type}","data":{${data}}}`;
  return { id, type, acceptedAt: 1_795_000_000_000 + i, severity: 9, json: Buffer.from(json), bytes: Buffer.byteLength(json) };
}

/** The ids of `list`, as the spool acknowledges them. */
export function ids(list: readonly WebhookEvent[]): string[] {
  return list.map((e) => e.id);
}

/** Events number `from` to `to - 1`. */
export function events(from: number, to: number): WebhookEvent[] {
  const list: WebhookEvent[] = [];
  for (let i = from; i < to; i++) list.push(event(i));
  return list;
}

/** Every event the spool recovered: `recovered`, then the rest read back with `takeRecovered`. */
export function allRecovered(spool: Spool): WebhookEvent[] {
  const all = [...spool.recovered];
  for (let more = spool.takeRecovered(1000, 1024 * 1024); more.length > 0; more = spool.takeRecovered(1000, 1024 * 1024)) all.push(...more);
  return all;
}

/** The segment files of the spool in `dir`, oldest first. */
export function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('segment-'))
    .sort()
    .map((name) => join(dir, name));
}
