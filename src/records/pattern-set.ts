/**
 * A compiled event pattern (without its `!`): `*`, an exact name, Stalwart's `prefix*` and
 * `*suffix`, or a glob. A glob keeps its literal start (the text before its first glob
 * character or `/`), which every name it matches begins with.
 */
export type CompiledPattern =
  | { readonly kind: 'all' }
  | { readonly kind: 'exact'; readonly name: string }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'suffix'; readonly suffix: string }
  | { readonly kind: 'glob'; readonly literal: string; readonly test: (type: string) => boolean };

/** Texts of several lengths, looked up by cutting a name to each of those lengths. */
class Affixes<T> {
  private readonly byText = new Map<string, T[]>();
  private lengths: number[] = [];

  add(text: string, value: T): void {
    const list = this.byText.get(text);
    if (list !== undefined) {
      list.push(value);
      return;
    }
    this.byText.set(text, [value]);
    if (!this.lengths.includes(text.length)) this.lengths = [...this.lengths, text.length].sort((a, b) => a - b);
  }

  get size(): number {
    return this.byText.size;
  }

  /** Whether `visit` returns true for a value stored under a start (or end) of `name`. */
  some(name: string, fromEnd: boolean, visit: (value: T) => boolean): boolean {
    for (const length of this.lengths) {
      if (length > name.length) return false;
      const list = this.byText.get(fromEnd ? name.slice(name.length - length) : name.slice(0, length));
      if (list?.some(visit)) return true;
    }
    return false;
  }
}

const always = (): boolean => true;

/**
 * One side of a pattern list (its inclusions or its exclusions), indexed so that a decision
 * costs a Set lookup for the exact names, one lookup per distinct prefix or suffix length for
 * Stalwart's forms, and glob tests only for the globs whose literal start the name has: a list
 * of thousands of patterns stays cheap.
 */
export class PatternSet {
  private all = false;
  private readonly names = new Set<string>();
  private readonly prefixes = new Affixes<true>();
  private readonly suffixes = new Affixes<true>();
  private readonly globs = new Affixes<(type: string) => boolean>();
  /** Number of patterns added. */
  size = 0;

  add(pattern: CompiledPattern): void {
    this.size++;
    switch (pattern.kind) {
      case 'all':
        this.all = true;
        break;
      case 'exact':
        this.names.add(pattern.name);
        break;
      case 'prefix':
        this.prefixes.add(pattern.prefix, true);
        break;
      case 'suffix':
        this.suffixes.add(pattern.suffix, true);
        break;
      case 'glob':
        this.globs.add(pattern.literal, pattern.test);
        break;
    }
  }

  /** Whether a pattern of the set matches `type`. */
  matches(type: string): boolean {
    return (
      this.all ||
      this.names.has(type) ||
      (this.prefixes.size > 0 && this.prefixes.some(type, false, always)) ||
      (this.suffixes.size > 0 && this.suffixes.some(type, true, always)) ||
      (this.globs.size > 0 && this.globs.some(type, false, (test) => test(type)))
    );
  }
}

/** Names to check patterns against, indexed like a {@link PatternSet} the other way round. */
export class NameList {
  private readonly names: readonly string[];
  private readonly set: ReadonlySet<string>;
  private readonly starts = new Set<string>();
  private readonly ends = new Set<string>();
  /** The names in code-unit order, so that those with a given start are one run. */
  private readonly sorted: readonly string[];

  constructor(names: readonly string[]) {
    this.names = names;
    this.set = new Set(names);
    for (const name of names) {
      for (let length = 0; length <= name.length; length++) {
        this.starts.add(name.slice(0, length));
        this.ends.add(name.slice(name.length - length));
      }
    }
    this.sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Whether `pattern` matches any of the names. */
  anyMatches(pattern: CompiledPattern): boolean {
    switch (pattern.kind) {
      case 'all':
        return this.names.length > 0;
      case 'exact':
        return this.set.has(pattern.name);
      case 'prefix':
        return this.starts.has(pattern.prefix);
      case 'suffix':
        return this.ends.has(pattern.suffix);
      case 'glob':
        return this.starts.has(pattern.literal) && this.startingWith(pattern.literal).some(pattern.test);
    }
  }

  /** The names that start with `start`. */
  private startingWith(start: string): readonly string[] {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.sorted[middle] as string) < start) low = middle + 1;
      else high = middle;
    }
    let end = low;
    while (end < this.sorted.length && (this.sorted[end] as string).startsWith(start)) end++;
    return this.sorted.slice(low, end);
  }
}
