/**
 * Nearest names for "did you mean" hints.
 *
 * Names are split into words at every non-alphanumeric character (`message-ingest.ham` →
 * `message`, `ingest`, `ham`), case ignored. A candidate scores for each word of `name` it
 * shares, exactly or (at half weight) within one typo for words of four letters or more; rarer
 * words weigh more (a shared `ingest` says more than a shared `store`). Ties go to the smaller
 * edit distance of the whole names. The result first takes the best candidate of each distinct
 * set of shared words, so `store.ingest` is offered both `message-ingest.*` and `store.*`
 * names, then fills up in score order.
 * Candidates sharing no word are offered only when the whole name is within a few typos.
 */
export function nearest(name: string, candidates: Iterable<string>, max = 3): string[] {
  return new NameIndex(candidates).nearest(name, max);
}

/** Names longer than this get no suggestions: no typo of a real name is that long. */
const MAX_QUERY_LENGTH = 256;

interface Ranked {
  readonly candidate: string;
  readonly score: number;
  readonly distance: number;
  readonly group: string;
}

/**
 * Candidate names prepared once for many {@link nearest} lookups: each lookup visits only the
 * candidates sharing a word with the name, plus a bounded edit distance for the others whose
 * length is close enough to matter.
 */
export class NameIndex {
  private readonly names: readonly string[];
  private readonly lowered: readonly string[];
  private readonly histograms: readonly Uint8Array[];
  /** Candidate indices holding each word (once per candidate). */
  private readonly holders = new Map<string, number[]>();
  /** The distinct words of each length. */
  private readonly wordsByLength = new Map<number, string[]>();

  constructor(candidates: Iterable<string>) {
    this.names = [...new Set(candidates)];
    this.lowered = this.names.map((candidate) => candidate.toLowerCase());
    this.histograms = this.lowered.map(histogram);
    this.lowered.forEach((candidate, index) => {
      for (const word of new Set(wordsOf(candidate))) {
        let list = this.holders.get(word);
        if (list === undefined) {
          list = [];
          this.holders.set(word, list);
          const sameLength = this.wordsByLength.get(word.length);
          if (sameLength === undefined) this.wordsByLength.set(word.length, [word]);
          else sameLength.push(word);
        }
        list.push(index);
      }
    });
  }

  /** Up to `max` candidates nearest to `name`, best first (see {@link nearest}). */
  nearest(name: string, max = 3): string[] {
    if (max <= 0 || name.length > MAX_QUERY_LENGTH) return [];
    const query = name.toLowerCase();
    const queryWords = wordsOf(query);
    const count = this.names.length;

    // For each query word, the candidates holding it (2) or a word one typo from it (1).
    const marks = queryWords.map((queryWord) => this.marksFor(queryWord));
    // A query word found in few candidates weighs more than one found in many.
    const weights = marks.map((mark) => Math.log(1 + count / (1 + mark.size)));

    const scores = new Map<number, { score: number; shared: number[] }>();
    marks.forEach((mark, wordIndex) => {
      const weight = weights[wordIndex] ?? 0;
      for (const [candidate, kind] of mark) {
        let entry = scores.get(candidate);
        if (entry === undefined) {
          entry = { score: 0, shared: [] };
          scores.set(candidate, entry);
        }
        entry.score += weight * (kind === 2 ? 1 : 0.5);
        entry.shared.push(wordIndex);
      }
    });

    const typoBudget = Math.max(1, Math.floor(query.length / 4));
    const queryHistogram = histogram(query);
    const ranked: Ranked[] = [];
    for (let index = 0; index < count; index++) {
      const lowered = this.lowered[index] as string;
      const entry = scores.get(index);
      if (entry !== undefined) {
        ranked.push({
          candidate: this.names[index] as string,
          score: entry.score,
          distance: levenshtein(query, lowered),
          group: entry.shared.join(','),
        });
        continue;
      }
      if (Math.abs(query.length - lowered.length) > typoBudget) continue;
      if (histogramDistance(queryHistogram, this.histograms[index] as Uint8Array) > typoBudget) continue;
      const distance = levenshtein(query, lowered, typoBudget);
      if (distance > typoBudget) continue;
      ranked.push({ candidate: this.names[index] as string, score: 0, distance, group: '' });
    }
    ranked.sort((a, b) => b.score - a.score || a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1));

    const picked: string[] = [];
    const groups = new Set<string>();
    for (const entry of ranked) {
      if (picked.length >= max) break;
      if (groups.has(entry.group)) continue;
      groups.add(entry.group);
      picked.push(entry.candidate);
    }
    for (const entry of ranked) {
      if (picked.length >= max) break;
      if (!picked.includes(entry.candidate)) picked.push(entry.candidate);
    }
    return picked;
  }

  /** Candidate index → 2 when it holds `queryWord`, 1 when it holds a word one typo from it. */
  private marksFor(queryWord: string): Map<number, 1 | 2> {
    const mark = new Map<number, 1 | 2>();
    if (queryWord.length >= 4) {
      for (let length = queryWord.length - 1; length <= queryWord.length + 1; length++) {
        if (length < 4) continue;
        for (const word of this.wordsByLength.get(length) ?? []) {
          if (word === queryWord || !withinOneEdit(queryWord, word)) continue;
          for (const candidate of this.holders.get(word) ?? []) mark.set(candidate, 1);
        }
      }
    }
    for (const candidate of this.holders.get(queryWord) ?? []) mark.set(candidate, 2);
    return mark;
  }
}

/** Letters, digits and everything else: 37 buckets. */
const BUCKETS = 37;

/** How often each letter and digit occurs in `text` (capped at 255), the rest in one bucket. */
function histogram(text: string): Uint8Array {
  const counts = new Uint8Array(BUCKETS);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const bucket = c >= 0x61 && c <= 0x7a ? c - 0x61 : c >= 0x30 && c <= 0x39 ? c - 0x30 + 26 : 36;
    if ((counts[bucket] as number) < 255) counts[bucket] = (counts[bucket] as number) + 1;
  }
  return counts;
}

/**
 * A lower bound of the edit distance from the character counts alone: each edit removes at
 * most one surplus character on each side.
 */
function histogramDistance(a: Uint8Array, b: Uint8Array): number {
  let surplus = 0;
  let shortfall = 0;
  for (let i = 0; i < BUCKETS; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d > 0) surplus += d;
    else shortfall -= d;
  }
  return Math.max(surplus, shortfall);
}

function wordsOf(name: string): string[] {
  return name.split(/[^a-z0-9]+/).filter((word) => word.length > 0);
}

/** Whether two strings whose lengths differ by at most one are at most one edit apart. */
function withinOneEdit(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short.charCodeAt(i) === long.charCodeAt(i)) i++;
  if (i === short.length) return true;
  // Past the first difference the rest must be equal, after a replaced or an inserted character.
  const skip = long.length === short.length ? 1 : 0;
  for (let j = i + skip; j < short.length; j++) {
    if (short.charCodeAt(j) !== long.charCodeAt(j + 1 - skip)) return false;
  }
  return true;
}

/** Two rows of the edit-distance table, reused by every call (grown as needed). */
let previousRow = new Int32Array(64);
let currentRow = new Int32Array(64);

/**
 * Edit distance (insertions, deletions, substitutions) between two strings. With `limit`, only
 * the cells within `limit` of the diagonal are computed, the work stops as soon as the distance
 * must exceed it, and `limit + 1` is returned for any distance above `limit`.
 */
export function levenshtein(a: string, b: string, limit: number = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > limit) return limit + 1;
  const band = Math.min(limit, Math.max(n, m));
  const outside = band + 1;
  if (previousRow.length < m + 2) {
    previousRow = new Int32Array(m + 2);
    currentRow = new Int32Array(m + 2);
  }
  let previous = previousRow;
  let current = currentRow;
  for (let j = 0; j <= m; j++) previous[j] = j <= band ? j : outside;
  previous[m + 1] = outside;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(m, i + band);
    current[from - 1] = from === 1 ? i : outside;
    let rowMin = from === 1 ? i : outside;
    const ai = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      let value = (previous[j - 1] as number) + (ai === b.charCodeAt(j - 1) ? 0 : 1);
      const deletion = (previous[j] as number) + 1;
      if (deletion < value) value = deletion;
      const insertion = (current[j - 1] as number) + 1;
      if (insertion < value) value = insertion;
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    current[to + 1] = outside;
    if (rowMin > band) return limit + 1;
    [previous, current] = [current, previous];
  }
  const distance = previous[m] as number;
  return distance > limit ? limit + 1 : distance;
}
