import { formatDuration } from '../config/duration.ts';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import { redactUrl } from '../config/redact.ts';
import { resolveWebhookOptions } from '../config/resolve-options.ts';
import { describeSource, sourceOf, type ValueSource } from '../config/sources.ts';
import { findEventType } from '../records/catalog.ts';
import { selectedEventTypes, unmatchedPatterns } from '../records/match.ts';
import { expectPositionals, parseCommandArgs } from './args.ts';
import { describeProxy, describeSigning, describeTls } from './check-transport.ts';
import { loadConfig, patternLine } from './config-file.ts';
import { EXIT_FAILURE, EXIT_OK } from './errors.ts';
import { type CliIo, lineWriter, plural, type Style, styleFor } from './output.ts';

/** One finding about a valid config, with the line it concerns when known. */
interface Finding {
  readonly line: number | undefined;
  readonly text: string;
}

const GLOB = /[*?[\]{}()!+@|\\]/;

/** True when a pattern selects catalog names, all of them pre-0.9 (`v0.8 legacy`). */
function selectsOnlyLegacy(pattern: string): boolean {
  const names = selectedEventTypes([pattern]);
  return names.length > 0 && names.every((name) => findEventType(name)?.versions === 'v0.8 legacy');
}

/** `1 MiB`, `64 KiB`, `1500 bytes`. */
function formatBytes(bytes: number): string {
  if (bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return plural(bytes, 'byte');
}

function describeSpoolSync(sync: ResolvedWebhookOptions['spoolSync'], fsyncMillis: number | undefined): string {
  const write =
    sync === 'event'
      ? 'each event written before it is accepted (spool-sync event)'
      : 'written once per event-loop turn (spool-sync batch)';
  const fsync =
    fsyncMillis === undefined ? 'fsync when a segment is full and at shutdown' : `fsync at most every ${formatDuration(fsyncMillis)}`;
  return `${write}; ${fsync}`;
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname.startsWith('127.') || url.hostname === '[::1]';
}

function describeAuth(options: ResolvedWebhookOptions, username: string | undefined, sources: readonly ValueSource[]): string {
  if (options.authKind === 'basic') {
    if (username === undefined) return 'basic (credentials from the url)';
    const source = sourceOf(sources, 'auth.username');
    return `basic (username ${source === undefined ? JSON.stringify(username) : describeSource(source)})`;
  }
  if (options.authKind === 'bearer') return 'bearer token';
  return 'none';
}

/** A pattern as shown: quoted, or where it came from when a macro produced it. */
function showPattern(pattern: string, index: number, sources: readonly ValueSource[]): string {
  const source = sourceOf(sources, 'events', index);
  return source === undefined ? JSON.stringify(pattern) : `(${describeSource(source)})`;
}

function describePatterns(patterns: readonly string[], style: Style, sources: readonly ValueSource[]): string[] {
  const shown = patterns.map((pattern, index) => showPattern(pattern, index, sources));
  const width = Math.max(...shown.map((text) => text.length));
  return patterns.map((pattern, index) => {
    const exclude = pattern.startsWith('!');
    const count = selectedEventTypes([exclude ? pattern.slice(1) : pattern]).length;
    const what = exclude ? `excludes ${count}` : `selects ${count}`;
    return `${(shown[index] ?? '').padEnd(width)}  ${count === 0 ? style.yellow(what) : what}`;
  });
}

/** Header names, except those a macro wrote (a macro in the value alone leaves the name shown). */
function headerNames(options: ResolvedWebhookOptions, lines: unknown, sources: readonly ValueSource[]): string[] {
  return Object.keys(options.headers).map((name, index) => {
    const source = sourceOf(sources, 'headers', index);
    if (source === undefined) return name;
    const line = Array.isArray(lines) && typeof lines[index] === 'string' ? lines[index] : '';
    const colon = line.indexOf(':');
    return colon >= 0 && colon < source.literalPrefix ? name : `(a header ${describeSource(source)})`;
  });
}

/** Where the values from outside the file came from, one line per key: `signature-key  %{env:HOOK_KEY}%`. */
function describeSources(sources: readonly ValueSource[], prefix: string): string[] {
  const keys = sources.map((source) => (source.key.startsWith(prefix) ? source.key.slice(prefix.length) : source.key));
  const width = Math.max(...keys.map((key) => key.length));
  return sources.map((source, index) => `${(keys[index] ?? '').padEnd(width)}  ${source.from.join(', ')}`);
}

/** Wraps names into lines of at most `width` characters. */
function wrap(names: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const name of names) {
    if (current !== '' && current.length + name.length + 2 > width) {
      lines.push(`${current},`);
      current = '';
    }
    current = current === '' ? name : `${current}, ${name}`;
  }
  if (current !== '') lines.push(current);
  return lines;
}

/** `a`, `a or b`, `a, b or c`. */
function either(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** `otel-webhooks check`: resolves to the exit code. */
export async function runCheck(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    verbose: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
  });
  expectPositionals(positionals, 1, 1, 'the config file: otel-webhooks check <config>');
  const path = positionals[0] as string;
  const config = await loadConfig(path);
  const out = lineWriter(io.stdout);
  const style = styleFor(io.stdout, io.env);
  const sourceLines = config.text.split(/\r?\n/);
  const warnings: Finding[] = [];
  const notes: Finding[] = [];
  let unknownPatterns = 0;
  const label = (title: string): string => style.dim(title.padEnd(14));
  const indent = ' '.repeat(16);

  for (const options of config.webhooks) {
    const resolved = resolveWebhookOptions(options);
    const key = `${config.format === 'json' ? 'WebHook' : 'webhook'}.${JSON.stringify(resolved.id)}`;
    const sources = config.sources.get(resolved.id) ?? [];
    const hidden = (option: string, text: string): string => {
      const source = sourceOf(sources, option);
      return source === undefined ? text : `(${describeSource(source)})`;
    };
    const selected = selectedEventTypes(resolved.events);
    out(
      `${style.bold(key)}${resolved.enable ? '' : style.yellow(`  disabled (${config.format === 'json' ? '"enable": false' : 'enable = false'}): validated, not started`)}`,
    );
    out(`  ${label('url')}${hidden('url', redactUrl(resolved.url))}`);
    const [first, ...rest] = describePatterns(resolved.events, style, sources);
    out(`  ${label('events')}${first}`);
    for (const line of rest) out(`${indent}${line}`);
    out(`${indent}${style.bold(plural(selected.length, 'event type'))} selected`);
    if (values.verbose) for (const line of wrap(selected, 88)) out(`${indent}  ${style.dim(line)}`);
    out(`  ${label('throttle')}${formatDuration(resolved.throttleMillis)}`);
    out(`  ${label('timeout')}${formatDuration(resolved.timeoutMillis)}`);
    out(`  ${label('discard-after')}${formatDuration(resolved.discardAfterMillis)}`);
    out(`  ${label('signing')}${describeSigning(resolved)}`);
    out(`  ${label('auth')}${describeAuth(resolved, options.auth?.username, sources)}`);
    out(
      `  ${label('lossy')}${resolved.lossy ? 'yes: a failed batch is dropped, not retried' : 'no: failed batches are retried until discard-after'}`,
    );
    if (resolved.level !== undefined) out(`  ${label('level')}${hidden('level', `${resolved.level} and above`)}`);
    const headers = headerNames(resolved, options.headers, sources);
    if (headers.length > 0) out(`  ${label('headers')}${headers.join(', ')}`);
    const proxy = describeProxy(resolved, io.env);
    if (proxy !== undefined) out(`  ${label('proxy')}${proxy}`);
    if (resolved.allowInvalidCerts) out(`  ${label('tls')}${style.yellow('certificates are not verified (allow-invalid-certs)')}`);
    const tls = describeTls(resolved.tls);
    for (const [index, line] of tls.entries())
      out(index === 0 && !resolved.allowInvalidCerts ? `  ${label('tls')}${line}` : `${indent}${line}`);
    out(
      `  ${label('retries')}${resolved.lossy ? 'none (lossy)' : `backoff from the throttle up to ${formatDuration(resolved.retryMaxMillis)}`}`,
    );
    out(`  ${label('queue')}up to ${plural(resolved.maxQueueEvents, 'event')}, ${formatBytes(resolved.maxQueueBytes)} in memory`);
    out(
      `  ${label('spool')}${resolved.spoolDir === undefined ? 'none: pending events live in memory only' : hidden('spoolDir', resolved.spoolDir)}`,
    );
    if (resolved.spoolDir !== undefined) out(`${indent}${describeSpoolSync(resolved.spoolSync, resolved.spoolFsyncIntervalMillis)}`);
    out(`  ${label('batches')}up to ${plural(resolved.maxBatchEvents, 'event')}, ${formatBytes(resolved.maxBatchBytes)}`);
    if (sources.length > 0) {
      const [firstSource, ...moreSources] = describeSources(sources, `${key}.`);
      out(`  ${label(config.format === 'json' ? 'secrets from' : 'macros')}${firstSource}`);
      for (const line of moreSources) out(`${indent}${line}`);
    }
    out();

    for (const { pattern, suggestions } of unmatchedPatterns(resolved.events)) {
      const index = resolved.events.indexOf(pattern);
      if (sourceOf(sources, 'events', index) !== undefined) {
        warnings.push({ line: undefined, text: `${key}.events: ${showPattern(pattern, index, sources)} matches no known event type` });
        unknownPatterns++;
        continue;
      }
      const name = pattern.startsWith('!') ? pattern.slice(1) : pattern;
      const what = GLOB.test(name)
        ? `${JSON.stringify(pattern)} matches no known event type`
        : `${JSON.stringify(name)} is not a known event type`;
      const hint = suggestions.length > 0 ? `; did you mean ${either(suggestions.map((s) => JSON.stringify(s)))}?` : '';
      warnings.push({ line: patternLine(sourceLines, resolved.id, pattern), text: `${key}.events: ${what}${hint}` });
      unknownPatterns++;
    }
    const legacy = resolved.events.filter(
      (pattern, index) => !pattern.startsWith('!') && sourceOf(sources, 'events', index) === undefined && selectsOnlyLegacy(pattern),
    );
    if (legacy.length > 0) {
      const one = legacy.length === 1;
      notes.push({
        line: patternLine(sourceLines, resolved.id, legacy[0] ?? ''),
        text: `${key}.events: ${one ? 'this pattern selects' : `${legacy.length} patterns select`} only pre-0.9 Stalwart event names (${legacy.join(', ')}); Stalwart 0.9 and later no longer emit ${one ? 'it' : 'them'}`,
      });
    }
    if (resolved.url.protocol === 'http:' && tls.length > 0) {
      warnings.push({
        line: patternLine(sourceLines, resolved.id, resolved.url.href),
        text: `${key}.tls: applies to https: endpoints only, and the url is http:`,
      });
    }
    if (resolved.url.protocol === 'http:' && resolved.authKind !== 'none' && !isLoopback(resolved.url)) {
      warnings.push({
        line: patternLine(sourceLines, resolved.id, resolved.url.href),
        text: `${key}.url: credentials would travel unencrypted over http:`,
      });
    }
  }
  if (config.webhooks.length === 0) {
    const none = config.format === 'json' ? 'no WebHook objects' : 'no [webhook."<id>"] table with a url';
    warnings.push({ line: undefined, text: `no webhooks: ${none}` });
  }

  const where = (finding: Finding): string => `${path}${finding.line === undefined ? '' : `:${finding.line}`}`;
  for (const finding of warnings) out(`${where(finding)}: ${style.yellow('warning:')} ${finding.text}`);
  for (const finding of notes) out(`${where(finding)}: ${style.cyan('note:')} ${finding.text}`);
  if (unknownPatterns > 0) {
    out(style.dim("(Event types outside the catalog still work for an application's own events; --strict fails on warnings.)"));
  }
  if (warnings.length + notes.length > 0) out();

  const enabled = config.webhooks.filter((options) => options.enable !== false).length;
  const counts = `${plural(config.webhooks.length, 'webhook')} (${enabled} enabled)`;
  const failed = values.strict && warnings.length > 0;
  const verdict = failed ? style.red('FAILED (--strict)') : style.green('valid');
  out(`${path}: ${counts}, ${verdict}${warnings.length > 0 ? `, ${plural(warnings.length, 'warning')}` : ''}`);
  return failed ? EXIT_FAILURE : EXIT_OK;
}
