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
  if (max <= 0) return [];
  const query = name.toLowerCase();
  const queryWords = wordsOf(query);
  const pool = [...new Set(candidates)].map((candidate) => ({ candidate, words: wordsOf(candidate.toLowerCase()) }));

  // A query word found in few candidates weighs more than one found in many.
  const weights = queryWords.map((queryWord) => {
    const holders = pool.filter(({ words }) => words.some((word) => wordsAlike(queryWord, word))).length;
    return Math.log(1 + pool.length / (1 + holders));
  });

  const typoBudget = Math.max(1, Math.floor(query.length / 4));
  const ranked = pool
    .map(({ candidate, words }) => {
      let score = 0;
      const shared: number[] = [];
      queryWords.forEach((queryWord, index) => {
        const exact = words.includes(queryWord);
        if (!exact && !words.some((word) => wordsAlike(queryWord, word))) return;
        score += (weights[index] ?? 0) * (exact ? 1 : 0.5);
        shared.push(index);
      });
      return { candidate, score, distance: levenshtein(query, candidate.toLowerCase()), group: shared.join(',') };
    })
    .filter((entry) => entry.score > 0 || entry.distance <= typoBudget)
    .sort((a, b) => b.score - a.score || a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1));

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

function wordsOf(name: string): string[] {
  return name.split(/[^a-z0-9]+/).filter((word) => word.length > 0);
}

/** Equal, or one typo apart when both have four letters or more. */
function wordsAlike(a: string, b: string): boolean {
  if (a === b) return true;
  return Math.min(a.length, b.length) >= 4 && Math.abs(a.length - b.length) <= 1 && levenshtein(a, b) <= 1;
}

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
