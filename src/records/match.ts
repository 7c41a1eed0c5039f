import picomatch from 'picomatch';
import { WebhookConfigError } from '../config/errors.ts';
import { NameIndex } from '../config/suggest.ts';
import { eventTypes } from './catalog.ts';
import { type CompiledPattern, NameList, PatternSet } from './pattern-set.ts';

/** Decides whether an event type goes to a webhook. */
export interface EventMatcher {
  /** Hot path: one property lookup after the first call for a type; no allocation on a cache hit. */
  matches(type: string): boolean;
}

/** The exporter's own error event: never delivered to webhooks, whatever the patterns say. */
export const webhookErrorEventType = 'telemetry.webhook-error';

/** How many distinct type names a matcher remembers decisions for; later names are decided on each call. */
export const maxCachedDecisions = 4096;

/** Longer type names are decided on each call, so that the cache never holds much text. */
const MAX_CACHED_NAME_LENGTH = 256;

const globCharacters = /[*?[\]{}()!+@|\\]/;

/**
 * The start of a glob that every name it matches begins with: its letters, digits, `.`, `_` and
 * `-` up to the first other character (picomatch gives meaning to many: quotes, `/`, `|`, …).
 */
function literalStart(glob: string): string {
  // `|` separates whole alternatives; a leading `./` is ignored.
  if (glob.startsWith('./') || glob.includes('|')) return '';
  return /^[A-Za-z0-9_.-]*/.exec(glob)?.[0] ?? '';
}

/** Most compiled globs remembered, so that checking, matching and reporting compile each once. */
const MAX_CACHED_GLOBS = 4096;
const globCache = new Map<string, (type: string) => boolean>();

function compileGlob(pattern: string, key: string): (type: string) => boolean {
  const cached = globCache.get(pattern);
  if (cached !== undefined) return cached;
  let isMatch: picomatch.Matcher;
  try {
    isMatch = picomatch(pattern, { dot: true, strictBrackets: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WebhookConfigError('ERR_WEBHOOK_INVALID_PATTERN', key, `${key}: invalid event pattern ${JSON.stringify(pattern)}: ${reason}`);
  }
  const test = (type: string): boolean => isMatch(type);
  if (globCache.size < MAX_CACHED_GLOBS) globCache.set(pattern, test);
  return test;
}

/**
 * Compiles one pattern (without its `!`). Stalwart's forms come first and keep Stalwart's
 * meaning for any number of dots: `*` is everything, `prefix*` starts-with, `*suffix`
 * ends-with, a name without glob characters is exact. Anything else is a picomatch glob.
 */
function compilePattern(pattern: string, key: string): CompiledPattern {
  if (pattern === '') {
    throw new WebhookConfigError('ERR_WEBHOOK_INVALID_PATTERN', key, `${key}: empty event pattern`);
  }
  if (pattern === '*') return { kind: 'all' };
  if (!globCharacters.test(pattern)) return { kind: 'exact', name: pattern };
  if (pattern.endsWith('*') && !globCharacters.test(pattern.slice(0, -1))) return { kind: 'prefix', prefix: pattern.slice(0, -1) };
  if (pattern.startsWith('*') && !globCharacters.test(pattern.slice(1))) return { kind: 'suffix', suffix: pattern.slice(1) };
  if (pattern.startsWith('!')) {
    throw new WebhookConfigError(
      'ERR_WEBHOOK_INVALID_PATTERN',
      key,
      `${key}: invalid event pattern ${JSON.stringify(pattern)}: only one leading "!" is allowed`,
    );
  }
  return { kind: 'glob', literal: literalStart(pattern), test: compileGlob(pattern, key) };
}

interface WrittenPattern {
  readonly written: string;
  readonly exclude: boolean;
  readonly compiled: CompiledPattern;
}

function compileAll(patterns: readonly string[], keyLabel: (index: number) => string): WrittenPattern[] {
  return patterns.map((written, index) => {
    const exclude = written.startsWith('!');
    const compiled = compilePattern(exclude ? written.slice(1) : written, keyLabel(index));
    return { written, exclude, compiled };
  });
}

const defaultKeyLabel = (index: number): string => `events[${index}]`;

/**
 * Compiles `events` patterns once. A type is selected when an inclusion pattern matches it (or
 * when there are only exclusions) and no `!` exclusion does; an empty list selects nothing.
 * {@link webhookErrorEventType} is never selected. Matching is case-sensitive.
 * Throws {@link WebhookConfigError} `ERR_WEBHOOK_INVALID_PATTERN` naming `keyLabel(index)`.
 */
export function compileEventMatcher(patterns: readonly string[], keyLabel: (index: number) => string = defaultKeyLabel): EventMatcher {
  const includes = new PatternSet();
  const excludes = new PatternSet();
  for (const { exclude, compiled } of compileAll(patterns, keyLabel)) (exclude ? excludes : includes).add(compiled);
  const includeAll = includes.size === 0 && excludes.size > 0;

  const decide = (type: string): boolean =>
    type !== webhookErrorEventType && (includeAll || includes.matches(type)) && !excludes.matches(type);

  // Decisions by name, in a prototype-less object rather than a Map: V8 looks up a name that
  // is not the same string object as the key (names parsed from input) about three times faster
  // by property than by Map key, and a filtered-out record pays for little else.
  const decisions: Record<string, boolean> = Object.create(null);
  let remembered = 0;
  const decideAndRemember = (type: string): boolean => {
    const decision = decide(type);
    if (remembered < maxCachedDecisions && type.length <= MAX_CACHED_NAME_LENGTH) {
      decisions[type] = decision;
      remembered++;
    }
    return decision;
  };
  return {
    matches(type: string): boolean {
      if (typeof type !== 'string') return false;
      const known = decisions[type];
      return known !== undefined ? known : decideAndRemember(type);
    },
  };
}

/** Suggestions are looked up for this many unmatched patterns by default; later ones get none. */
export const maxSuggestedPatterns = 20;

let catalog: { readonly names: NameList; readonly list: readonly string[]; suggest: NameIndex | undefined } | undefined;

function catalogNames(): NonNullable<typeof catalog> {
  if (catalog === undefined) {
    const list = eventTypes.map((info) => info.name);
    catalog = { names: new NameList(list), list, suggest: undefined };
  }
  return catalog;
}

/** Up to 3 catalog names nearest to `name`. */
function suggestEventTypes(name: string): string[] {
  const names = catalogNames();
  names.suggest ??= new NameIndex(names.list);
  return names.suggest.nearest(name, 3);
}

/**
 * Patterns (as written) that select no catalog event type, each with up to 3 nearest catalog
 * names; only the first `suggestFor` of them get suggestions, so that a long list of an
 * application's own event types costs little. `!` exclusions are checked the same way, by what
 * they exclude. A pattern naming a catalog type counts as matching even for
 * {@link webhookErrorEventType}.
 */
export function unmatchedPatterns(
  patterns: readonly string[],
  suggestFor: number = maxSuggestedPatterns,
): { pattern: string; suggestions: string[] }[] {
  const { names } = catalogNames();
  const unmatched = compileAll(patterns, defaultKeyLabel).filter(({ compiled }) => !names.anyMatches(compiled));
  return unmatched.map(({ written, exclude }, index) => ({
    pattern: written,
    suggestions: index < suggestFor ? suggestEventTypes(exclude ? written.slice(1) : written) : [],
  }));
}

/** Catalog event names a pattern list selects, in catalog order. */
export function selectedEventTypes(patterns: readonly string[]): string[] {
  const matcher = compileEventMatcher(patterns);
  return eventTypes.map((info) => info.name).filter((name) => matcher.matches(name));
}
