/**
 * Generates src/records/catalog.ts from data/events.tsv.
 *
 *   node scripts/generate-catalog.ts           write src/records/catalog.ts
 *   node scripts/generate-catalog.ts --check   exit 1 when src/records/catalog.ts is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** One validated row of data/events.tsv. */
export interface CatalogRow {
  readonly name: string;
  readonly description: string;
  /** Empty for the pre-0.9 names, which had no level. */
  readonly level: string;
  readonly keys: readonly string[];
  readonly versions: string;
}

/** A malformed events.tsv; `line` is 1-based. */
export class CatalogSourceError extends Error {
  override readonly name = 'CatalogSourceError';
  readonly line: number;

  constructor(line: number, message: string) {
    super(`data/events.tsv line ${line}: ${message}`);
    this.line = line;
  }
}

const header = ['name', 'description', 'level', 'keys', 'versions', 'type_id_v0.15.5', 'type_id_v0.16'];

/** Stalwart's levels, least to most severe (`disable` turns an event off). */
const knownLevels = ['trace', 'debug', 'info', 'warn', 'error', 'disable'];

const knownVersions = ['v0.15.5 only', 'v0.15.5+v0.16', 'v0.16 only', 'v0.8 legacy'];

/**
 * Data keys whose values Stalwart writes as unsigned 64-bit JSON integers, often above 2^53:
 * `spanId` (session/span ids), `queueId` (queue message ids) and `changeId` (store change ids,
 * snowflake ids since the store's BatchBuilder generates them). Other id keys are 32-bit
 * (`accountId`, `documentId`, `mailboxId`, `uid*`) or strings (`blobId`, `messageId`, `id`).
 */
const integerIdKeys = ['spanId', 'queueId', 'changeId'];

const eventNamePattern = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;
const keyNamePattern = /^[a-z][A-Za-z0-9]*$/;
const typeIdPattern = /^(?:0|[1-9][0-9]*)$/;
// Descriptions go into single-quoted literals; control characters and quotes are refused.
const descriptionPattern = /^[^\u0000-\u001f\u007f'\\]+$/;

/** Parses and validates events.tsv; throws {@link CatalogSourceError} naming the bad line. */
export function parseEventsTsv(text: string): CatalogRow[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== header.join('\t')) {
    throw new CatalogSourceError(1, `expected the header "${header.join('\\t')}"`);
  }
  const rows: CatalogRow[] = [];
  const names = new Set<string>();
  const typeIds = [new Map<string, number>(), new Map<string, number>()];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const fields = (lines[i] ?? '').split('\t');
    if (fields.length !== header.length) {
      throw new CatalogSourceError(line, `expected ${header.length} tab-separated fields, found ${fields.length}`);
    }
    const [name = '', description = '', level = '', keyList = '', versions = '', ...ids] = fields;
    if (!eventNamePattern.test(name)) {
      throw new CatalogSourceError(line, `invalid event name ${JSON.stringify(name)}`);
    }
    if (names.has(name)) throw new CatalogSourceError(line, `duplicate event name "${name}"`);
    names.add(name);
    if (!descriptionPattern.test(description)) {
      throw new CatalogSourceError(line, `invalid or empty description for "${name}"`);
    }
    if (level === '' ? versions !== 'v0.8 legacy' : !knownLevels.includes(level)) {
      throw new CatalogSourceError(
        line,
        `invalid level ${JSON.stringify(level)} for "${name}" (expected one of ${knownLevels.join(', ')}; empty only for v0.8 legacy)`,
      );
    }
    if (!knownVersions.includes(versions)) {
      throw new CatalogSourceError(line, `invalid versions ${JSON.stringify(versions)} for "${name}"`);
    }
    const keys = keyList === '' ? [] : keyList.split(',');
    for (const key of keys) {
      if (!keyNamePattern.test(key)) throw new CatalogSourceError(line, `invalid data key ${JSON.stringify(key)}`);
    }
    if (new Set(keys).size !== keys.length) throw new CatalogSourceError(line, `duplicate data key for "${name}"`);
    ids.forEach((id, column) => {
      if (id === '') return;
      if (!typeIdPattern.test(id)) throw new CatalogSourceError(line, `invalid type id ${JSON.stringify(id)}`);
      const seen = typeIds[column]?.get(id);
      if (seen !== undefined) throw new CatalogSourceError(line, `type id ${id} already used on line ${seen}`);
      typeIds[column]?.set(id, line);
    });
    rows.push({ name, description, level, keys, versions });
  }
  if (rows.length === 0) throw new CatalogSourceError(2, 'no events');
  const allKeys = new Set(rows.flatMap((row) => row.keys));
  for (const key of integerIdKeys) {
    if (!allKeys.has(key)) throw new CatalogSourceError(1, `integer id key "${key}" is no event's data key`);
  }
  return rows;
}

const quote = (value: string): string => `'${value}'`;

/** The text of src/records/catalog.ts for the given rows. */
export function renderCatalog(rows: readonly CatalogRow[]): string {
  const levels = knownLevels.filter((level) => rows.some((row) => row.level === level));
  const entries = rows.map((row) => {
    const level = row.level === '' ? 'undefined' : quote(row.level);
    const keys = `[${row.keys.map(quote).join(', ')}]`;
    return `  { name: ${quote(row.name)}, description: ${quote(row.description)}, level: ${level}, keys: ${keys}, versions: ${quote(row.versions)} },`;
  });
  return `// Generated by scripts/generate-catalog.ts from data/events.tsv; do not edit.

/** Default severity of an event type in Stalwart. */
export type EventLevel = ${levels.map(quote).join(' | ')};

/** Which Stalwart versions emit an event type. */
export type EventVersions = ${knownVersions.map(quote).join(' | ')};

/** One Stalwart event type. */
export interface EventTypeInfo {
  readonly name: EventType;
  readonly description: string;
  /** Default level; \`undefined\` for the pre-0.9 webhook names, which had none. */
  readonly level: EventLevel | undefined;
  /** The camelCase \`data\` keys Stalwart emits for this type. */
  readonly keys: readonly string[];
  readonly versions: EventVersions;
}

/** Every known Stalwart event type name. */
export type EventType =
${rows.map((row) => `  | ${quote(row.name)}`).join('\n')};

/** Every known Stalwart event type, in catalog order. Frozen. */
export const eventTypes: readonly EventTypeInfo[] = [
${entries.join('\n')}
];
/**
 * Entries by name, in a prototype-less object rather than a Map: looked up for every record
 * without a severity number, and V8 finds a name that is not the same string object as the
 * key (names parsed from input) faster by property.
 */
const byName: Record<string, EventTypeInfo> = Object.create(null);
for (const info of eventTypes) {
  Object.freeze(info.keys);
  Object.freeze(info);
  byName[info.name] = info;
}
Object.freeze(eventTypes);
Object.freeze(byName);

/** Every known event type name. */
export const eventTypeNames: ReadonlySet<string> = new Set(eventTypes.map((info) => info.name));

/** The catalog entry for an event type name, if it is a known one. */
export function findEventType(name: string): EventTypeInfo | undefined {
  return typeof name === 'string' ? byName[name] : undefined;
}

/** Data keys whose values Stalwart writes as 64-bit JSON integers (possibly above 2^53). */
export const integerIdKeys: ReadonlySet<string> = new Set([${integerIdKeys.map(quote).join(', ')}]);
`;
}

const sourceUrl = new URL('../data/events.tsv', import.meta.url);
const targetUrl = new URL('../src/records/catalog.ts', import.meta.url);

/** The expected text of src/records/catalog.ts, from the current data/events.tsv. */
export function generateCatalog(): string {
  return renderCatalog(parseEventsTsv(readFileSync(sourceUrl, 'utf8')));
}

function main(args: readonly string[]): number {
  const check = args.includes('--check');
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`generate-catalog: unknown argument ${unknown[0]}\nusage: generate-catalog [--check]\n`);
    return 2;
  }
  let expected: string;
  try {
    expected = generateCatalog();
  } catch (error) {
    if (!(error instanceof CatalogSourceError)) throw error;
    process.stderr.write(`generate-catalog: ${error.message}\n`);
    return 1;
  }
  let current: string | undefined;
  try {
    current = readFileSync(targetUrl, 'utf8');
  } catch {
    current = undefined;
  }
  if (check) {
    if (current === expected) return 0;
    process.stderr.write('src/records/catalog.ts is out of date with data/events.tsv; run `npm run catalog`\n');
    return 1;
  }
  if (current !== expected) writeFileSync(targetUrl, expected);
  process.stdout.write(`src/records/catalog.ts ${current === expected ? 'is up to date' : 'written'}\n`);
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
