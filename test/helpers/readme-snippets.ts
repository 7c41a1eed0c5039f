import { readFileSync } from 'node:fs';

/** How README.md marks a block: `<!-- snippet: skip -->` or `<!-- snippet: server -->` on the line before it. */
export type SnippetKind = 'program' | 'server' | 'skip';

/** One ```ts or ```js block of a Markdown file. */
export interface Snippet {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: 'ts' | 'js';
  readonly kind: SnippetKind;
  readonly code: string;
}

const FENCE = /^```(\w*)\s*$/;
const MARKER = /^<!--\s*snippet:\s*(skip|server)\b.*-->\s*$/;

/** Every ```ts / ```js block of the Markdown file at `path`, in order, with its marker. */
export function readSnippets(path: string): Snippet[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const end = lines.findIndex((text, j) => j > i && /^```\s*$/.test(text));
    if (end < 0) break;
    const lang = open[1];
    if (lang === 'ts' || lang === 'js') {
      const marker = MARKER.exec(lines[i - 1] ?? '');
      const kind: SnippetKind = marker === null ? 'program' : (marker[1] as SnippetKind);
      snippets.push({ line: i + 1, lang, kind, code: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  return snippets;
}

/** A string replacement applied to every snippet before it runs. */
export interface Substitution {
  /** What the README writes. */
  readonly find: RegExp;
  /** What the test runs instead. */
  readonly replace: string;
  /** Why, for the table in the test. */
  readonly note: string;
}

export function substitute(code: string, table: readonly Substitution[]): string {
  return table.reduce((text, { find, replace }) => text.replace(find, replace), code);
}

/** The event types a snippet emits: every `eventName: '…'` in it. */
export function emittedTypes(code: string): string[] {
  return Array.from(code.matchAll(/eventName:\s*['"]([^'"]+)['"]/g), (match) => match[1] as string);
}
