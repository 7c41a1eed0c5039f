// Stalwart's `%{class:argument}%` macros, one pass of one class over one string value.
//
// As in Stalwart ≤ 0.15: a pass finds each `%{class:` (lower-case, case-sensitive), takes the
// argument up to the first `}%` after it (untrimmed, any characters), substitutes the result
// and continues after the `}%`, so a result is never scanned again by the same pass. There is
// no nesting and no escaping. Unlike Stalwart, a `%{class:` without a closing `}%` is an error
// (Stalwart spins forever on some of these), and every failure is an error, not an empty string.

/** The macro classes, in the order Stalwart expands them: one pass each. */
export const MACRO_CLASSES = ['env', 'file', 'cfg'] as const;

export type MacroClass = (typeof MACRO_CLASSES)[number];

/** Most distinct macros recorded as the sources of one value (the rest still expand). */
const MAX_USES = 16;

/** Most characters one expanded value may have. */
export const MAX_VALUE_CHARS = 1_048_576;

/** A string during expansion: its text, which parts came from macros, and the macros used. */
export interface Expansion {
  readonly text: string;
  /** Sorted, disjoint `[start, end)` ranges of `text` that macros produced: secret. */
  readonly secret: readonly (readonly [number, number])[];
  /** Each macro that contributed, as shown to people (parts produced by other macros masked). */
  readonly uses: readonly string[];
}

/** What a lookup found: the text to substitute and the macros it came through, if any. */
export interface Found {
  readonly text: string;
  readonly uses?: readonly string[];
}

/** A macro that could not be expanded; the message names the macro, never a value. */
export class MacroError extends Error {
  override readonly name = 'MacroError';
}

/** Characters still allowed to be produced while reading one document, shared by its values. */
export interface Budget {
  left: number;
}

/** A plain string, before any pass. */
export function literal(text: string): Expansion {
  return { text, secret: [], uses: [] };
}

/** Whether `text` holds a `%{class:` of any class. */
export function hasMacro(text: string): boolean {
  return MACRO_CLASSES.some((name) => text.includes(`%{${name}:`));
}

/** Index of the first range of `ranges` that ends after `position` (binary search). */
function firstEndingAfter(ranges: Expansion['secret'], position: number): number {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ranges[middle]?.[1] ?? 0) <= position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Appends to `out` the parts of `ranges` inside `[start, end)`, shifted by `shift`. */
function copyRanges(ranges: Expansion['secret'], start: number, end: number, shift: number, out: [number, number][]): void {
  for (let index = firstEndingAfter(ranges, start); index < ranges.length; index++) {
    const [from, to] = ranges[index] as readonly [number, number];
    if (from >= end) break;
    out.push([Math.max(from, start) + shift, Math.min(to, end) + shift]);
  }
}

/** `text[start, end)` with every part a macro produced replaced by `…`: safe to show. */
export function masked(value: Expansion, start: number, end: number): string {
  const parts: [number, number][] = [];
  copyRanges(value.secret, start, end, 0, parts);
  let out = '';
  let at = start;
  for (const [from, to] of parts) {
    out += `${value.text.slice(at, from)}…`;
    at = to;
  }
  return out + value.text.slice(at, end);
}

/** Cuts a shown macro to about 80 characters. */
function cut(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Expands every `%{name:…}%` of one class in `value`. `lookup` gets the argument and the macro
 * as shown, and returns the replacement or throws a {@link MacroError}.
 */
export function expandPass(
  value: Expansion,
  name: MacroClass,
  lookup: (argument: string, shown: string) => Found,
  budget: Budget,
): Expansion {
  const open = `%{${name}:`;
  const { text } = value;
  let at = text.indexOf(open);
  if (at < 0) return value;
  let out = '';
  let consumed = 0;
  const secret: [number, number][] = [];
  const uses = new Set(value.uses);
  const use = (shown: string): void => {
    if (uses.size < MAX_USES) uses.add(shown);
  };
  while (at >= 0) {
    const close = text.indexOf('}%', at + open.length);
    if (close < 0) {
      throw new MacroError(`${cut(masked(value, at, text.length))}: unterminated macro, no "}%" closes it`);
    }
    const shown = cut(masked(value, at, close + 2));
    const found = lookup(text.slice(at + open.length, close), shown);
    copyRanges(value.secret, consumed, at, out.length - consumed, secret);
    out += text.slice(consumed, at);
    if (found.text !== '') secret.push([out.length, out.length + found.text.length]);
    out += found.text;
    use(shown);
    for (const inner of found.uses ?? []) use(inner);
    if (out.length > MAX_VALUE_CHARS) throw new MacroError(`${shown}: the value expands to more than ${MAX_VALUE_CHARS} characters`);
    consumed = close + 2;
    at = text.indexOf(open, consumed);
  }
  copyRanges(value.secret, consumed, text.length, out.length - consumed, secret);
  out += text.slice(consumed);
  const last = [...uses].at(-1) ?? open;
  if (out.length > MAX_VALUE_CHARS) throw new MacroError(`${last}: the value expands to more than ${MAX_VALUE_CHARS} characters`);
  budget.left -= out.length;
  if (budget.left < 0) throw new MacroError(`${last}: the configuration's macros expand to too much text in total`);
  return { text: out, secret: merge(secret), uses: [...uses] };
}

/** Sorts ranges and joins those that touch. */
function merge(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const range of ranges) {
    const last = out.at(-1);
    if (last !== undefined && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else out.push([range[0], range[1]]);
  }
  return out;
}
