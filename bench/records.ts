/**
 * The benchmark's log records: Stalwart events of a few types from the catalog, 4–8 attributes
 * each, whose values (ids, account names, addresses, ports, message ids) change from record to
 * record. They come from a seeded PRNG, are made before anything is measured, and are the same
 * in every process given the same seed, so every pipeline gets exactly the same records.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type LogRecord, SeverityNumber } from '@opentelemetry/api';
import { mulberry32 } from '../src/cli/mulberry32.ts';

/** Signature key of the benchmark webhooks (signing is part of what is measured). */
export const BENCH_SIGNATURE_KEY = 'bench-signature-key';

/** What the benchmark webhooks select: every type of {@link SELECTED_TYPES}, none of {@link FILTERED_TYPES}. */
export const BENCH_EVENTS: readonly string[] = ['auth.*', 'message-ingest.*', 'smtp.*', 'delivery.*'];

type Random = () => number;
type Attributes = Record<string, string | number | boolean>;

const int = (r: Random, low: number, high: number): number => low + Math.floor(r() * (high - low + 1));
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const hex = (r: Random, digits: number): string => {
  let text = '';
  for (let i = 0; i < digits; i++) text += '0123456789abcdef'[Math.floor(r() * 16)];
  return text;
};

const FIRST = ['jane', 'john', 'maria', 'li', 'oleksandr', 'aisha', 'soren', 'yuki', 'peter', 'amelie', 'omar', 'ana'];
const LAST = ['doe', 'smith', 'garcia', 'wang', 'kowalski', 'muller', 'okafor', 'tanaka', 'rossi', 'nguyen'];
/** Names written with non-ASCII letters, for a few accounts and addresses. */
const FIRST_NON_ASCII = ['maría', 'søren', 'amélie', 'jürgen', 'zoë', 'łukasz'];
/** Share of account names with non-ASCII letters. */
const NON_ASCII_SHARE = 0.05;
const DOMAINS = ['example.org', 'example.com', 'mail.example.net', 'corp.example', 'lists.example.org', 'example.co.uk'];
const LISTENERS = ['smtp', 'submission', 'submissions', 'imap', 'imaptls', 'jmap', 'pop3'];
const AUTH_KINDS = ['plain', 'login', 'oauthbearer', 'xoauth2', 'app-password'];
const AUTH_REASONS = ['Invalid credentials', 'Account disabled', 'Too many failed attempts', 'Unknown account', 'Expired token'];

/** A 64-bit id written as decimal digits, as Stalwart writes span and queue ids. */
function id64(r: Random): string {
  return ((BigInt(int(r, 1, 0xffffffff)) << 32n) | BigInt(int(r, 0, 0xffffffff))).toString();
}
function ipv4(r: Random): string {
  return `${int(r, 1, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
}
function ip(r: Random): string {
  return r() < 0.15 ? `2001:db8:${hex(r, 4)}:${hex(r, 4)}::${hex(r, 3)}` : ipv4(r);
}
function account(r: Random): string {
  const first = r() < NON_ASCII_SHARE ? pick(r, FIRST_NON_ASCII) : pick(r, FIRST);
  return `${first}.${pick(r, LAST)}${int(r, 1, 99_999)}`;
}
function address(r: Random): string {
  return `${account(r)}@${pick(r, DOMAINS)}`;
}
function messageId(r: Random): string {
  return `<${hex(r, 16)}.${int(r, 1, 999_999)}@${pick(r, DOMAINS)}>`;
}

interface Template {
  readonly type: string;
  readonly weight: number;
  readonly severity: SeverityNumber;
  readonly attributes: (r: Random) => Attributes;
}

const port = (r: Random): number => int(r, 1024, 65_535);
const ingest = (r: Random): Attributes => ({
  accountId: int(r, 1, 2_000_000),
  mailboxId: int(r, 0, 40),
  documentId: int(r, 1, 5_000_000),
  messageId: messageId(r),
  size: int(r, 600, 4_000_000),
  elapsed: int(r, 1, 900),
  spanId: id64(r),
});

/** The types every pipeline sends, weighted roughly as a mail server logs them. */
const SELECTED_TYPES: readonly Template[] = [
  {
    type: 'smtp.connection-start',
    weight: 2,
    severity: SeverityNumber.INFO,
    attributes: (r) => ({
      listenerId: pick(r, LISTENERS),
      localPort: pick(r, [25, 465, 587]),
      remoteIp: ip(r),
      remotePort: port(r),
      spanId: id64(r),
    }),
  },
  {
    type: 'smtp.mail-from',
    weight: 2,
    severity: SeverityNumber.INFO,
    attributes: (r) => ({ from: address(r), spanId: id64(r), remoteIp: ip(r), remotePort: port(r) }),
  },
  {
    type: 'smtp.rcpt-to',
    weight: 3,
    severity: SeverityNumber.INFO,
    attributes: (r) => ({ to: address(r), spanId: id64(r), remoteIp: ip(r), remotePort: port(r) }),
  },
  {
    type: 'auth.success',
    weight: 2,
    severity: SeverityNumber.INFO,
    attributes: (r) => ({
      accountName: account(r),
      accountId: int(r, 1, 2_000_000),
      remoteIp: ip(r),
      remotePort: port(r),
      listenerId: pick(r, LISTENERS),
      spanId: id64(r),
      type: pick(r, AUTH_KINDS),
    }),
  },
  {
    type: 'auth.failed',
    weight: 1,
    severity: SeverityNumber.WARN,
    attributes: (r) => ({ accountName: account(r), reason: pick(r, AUTH_REASONS), remoteIp: ip(r), remotePort: port(r), spanId: id64(r) }),
  },
  { type: 'message-ingest.ham', weight: 3, severity: SeverityNumber.INFO, attributes: ingest },
  { type: 'message-ingest.spam', weight: 1, severity: SeverityNumber.INFO, attributes: (r) => ({ ...ingest(r), blobId: hex(r, 32) }) },
  {
    type: 'delivery.delivered',
    weight: 2,
    severity: SeverityNumber.INFO,
    attributes: (r) => ({
      hostname: `mx${int(r, 1, 9)}.${pick(r, DOMAINS)}`,
      code: 250,
      details: `2.0.0 Ok: queued as ${hex(r, 12).toUpperCase()}`,
      elapsed: int(r, 20, 9_000),
      to: address(r),
      spanId: id64(r),
    }),
  },
];

/** Types the benchmark webhooks do not select: what a filtered-out record looks like. */
const FILTERED_TYPES: readonly Template[] = [
  {
    type: 'imap.fetch',
    weight: 3,
    severity: SeverityNumber.DEBUG,
    attributes: (r) => ({
      accountId: int(r, 1, 2_000_000),
      mailboxId: int(r, 0, 40),
      documentId: int(r, 1, 5_000_000),
      elapsed: int(r, 1, 300),
      details: `${int(r, 1, 500)} messages`,
      spanId: id64(r),
    }),
  },
  {
    type: 'imap.connection-start',
    weight: 1,
    severity: SeverityNumber.DEBUG,
    attributes: (r) => ({ listenerId: 'imap', localPort: 993, remoteIp: ip(r), remotePort: port(r), spanId: id64(r) }),
  },
];

function generate(templates: readonly Template[], count: number, seed: number): LogRecord[] {
  const r = mulberry32(seed);
  const total = templates.reduce((sum, t) => sum + t.weight, 0);
  const records: LogRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let at = r() * total;
    let template = templates[0] as Template;
    for (const t of templates) {
      template = t;
      at -= t.weight;
      if (at < 0) break;
    }
    records[i] = { eventName: template.type, severityNumber: template.severity, attributes: template.attributes(r) };
  }
  // Flat strings, as values parsed from input or read from the network are, rather than the
  // concatenation ropes the generator made (which the first reader would have to flatten).
  // A thousand at a time, so the text in between stays small.
  const flat: LogRecord[] = [];
  for (let start = 0; start < count; start += 1_000) {
    flat.push(...(JSON.parse(JSON.stringify(records.slice(start, start + 1_000))) as LogRecord[]));
  }
  return flat;
}

/** `count` records of the types the benchmark webhooks select, the same for the same seed. */
export function selectedRecords(count: number, seed: number): LogRecord[] {
  return generate(SELECTED_TYPES, count, seed);
}

/** `count` records of types the benchmark webhooks do not select. */
export function filteredRecords(count: number, seed: number): LogRecord[] {
  return generate(FILTERED_TYPES, count, seed);
}

/**
 * Writes `count` selected records to `path` as one JSON array, for the scenario processes to
 * read: made once per run, and parsed they are flat strings in every process alike.
 */
export function writeRecordsFile(path: string, count: number, seed: number): void {
  writeFileSync(path, JSON.stringify(selectedRecords(count, seed)));
}

/**
 * Records a run's file holds: the first warm-up round, the measured records, then the records of
 * each further warm-up round (every round its own records, as an application emits new objects:
 * emitting the same objects again sometimes made V8 run a burst a third slower).
 */
export function recordsInFile(plan: { readonly warmup: number; readonly warmupRounds: number; readonly events: number }): number {
  return plan.warmup * Math.max(1, plan.warmupRounds) + plan.events;
}

export function readRecordsFile(path: string): LogRecord[] {
  return JSON.parse(readFileSync(path, 'utf8')) as LogRecord[];
}

/** The selected event types, for the method text. */
export const SELECTED_TYPE_NAMES: readonly string[] = SELECTED_TYPES.map((t) => t.type);
/** The filtered-out event types, for the method text. */
export const FILTERED_TYPE_NAMES: readonly string[] = FILTERED_TYPES.map((t) => t.type);
