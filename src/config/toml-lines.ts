const SEGMENT = String.raw`(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)`;
const KEY_PATH = String.raw`${SEGMENT}(?:[ \t]*\.[ \t]*${SEGMENT})*`;
const TABLE_LINE = new RegExp(String.raw`^[ \t]*\[\[?[ \t]*(${KEY_PATH})[ \t]*\]`);
const KEY_LINE = new RegExp(String.raw`^[ \t]*(${KEY_PATH})[ \t]*=`);

function keySegments(path: string): string[] {
  return Array.from(path.matchAll(new RegExp(SEGMENT, 'g')), ([segment]) => {
    if (segment.startsWith("'")) return segment.slice(1, -1);
    if (!segment.startsWith('"')) return segment;
    try {
      const text: unknown = JSON.parse(segment);
      return typeof text === 'string' ? text : segment;
    } catch {
      return segment.slice(1, -1);
    }
  });
}

/**
 * A best-effort index of where each key is written: a line scan of table headers and
 * `key =` lines. Looks up a key path, else its closest parent, else the table's first key.
 */
export function indexKeyLines(source: string): (path: readonly string[]) => number | undefined {
  const join = (path: readonly string[]): string => path.join('\u0000');
  const first = new Map<string, number>();
  let table: string[] = [];
  for (const [index, text] of source.split(/\r?\n/).entries()) {
    const header = TABLE_LINE.exec(text);
    const assignment = header === null ? KEY_LINE.exec(text) : null;
    if (header !== null) table = keySegments(header[1] ?? '');
    const path = header !== null ? table : assignment !== null ? [...table, ...keySegments(assignment[1] ?? '')] : undefined;
    if (path !== undefined && !first.has(join(path))) first.set(join(path), index + 1);
  }
  return (path) => {
    if (path.length < 2) return first.get(join(path));
    for (let length = path.length; length >= 2; length--) {
      const line = first.get(join(path.slice(0, length)));
      if (line !== undefined) return line;
    }
    const prefix = `${join(path.slice(0, 2))}\u0000`;
    let earliest: number | undefined;
    for (const [key, line] of first) {
      if (key.startsWith(prefix) && (earliest === undefined || line < earliest)) earliest = line;
    }
    return earliest;
  };
}
