import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

/** Longest directory name kept as it is; longer ones are cut and get a hash (file systems allow 255 bytes). */
const MAX_NAME = 200;
/** What is kept of a long name before its hash. */
const LONG_PREFIX = 128;

function isLoneSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdfff;
}

/**
 * `encodeURIComponent`, except that a lone surrogate (which it refuses) becomes `%uXXXX`.
 * Its output is made of `A-Z a-z 0-9 - _ . ! ~ * ' ( )` and `%` followed by two upper-case
 * hex digits, so `%u…`, `%2E` (a dot it never escapes), `%` alone and `+` never come out of
 * it; the special names below use them and cannot collide with an ordinary one.
 */
function encode(id: string): string {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    const next = id.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(id.slice(i, i + 2));
      i++;
    } else if (isLoneSurrogate(code)) {
      out += `%u${code.toString(16).toUpperCase()}`;
    } else {
      out += encodeURIComponent(id[i] as string);
    }
  }
  return out;
}

/** Cuts before `end`, moved back so that no `%XX` or `%uXXXX` escape is split. */
function cut(name: string, end: number): string {
  const percent = name.lastIndexOf('%', end - 1);
  if (percent >= 0 && percent > end - 6) {
    const length = name[percent + 1] === 'u' ? 6 : 3;
    if (percent + length > end) return name.slice(0, percent);
  }
  return name.slice(0, end);
}

/**
 * The directory name of a webhook id: a distinct, safe name for every id. Ordinary ids are
 * `encodeURIComponent`-encoded (`/`, `\`, NUL and everything outside `A-Za-z0-9-_.!~*'()`
 * become `%XX`); a name of dots only (`.`, `..`) has its dots written `%2E`; the empty id is
 * `%`; a name longer than 200 bytes keeps its first 128 and gets `+` and the SHA-256 of the
 * whole encoded name, so it stays well within 255 bytes.
 */
export function spoolDirectoryName(id: string): string {
  if (id === '') return '%';
  let name = encode(id);
  if (/^\.+$/.test(name)) name = name.replaceAll('.', '%2E');
  if (name.length > MAX_NAME) {
    name = `${cut(name, LONG_PREFIX)}+${createHash('sha256').update(name).digest('hex')}`;
  }
  return name;
}

/** The spool directory of webhook `id` inside `spoolDir`: always a child of it. */
export function spoolDirectory(spoolDir: string, id: string): string {
  const root = resolve(spoolDir);
  const name = spoolDirectoryName(id);
  const directory = join(root, name);
  if (name === '.' || name === '..' || dirname(directory) !== root || basename(directory) !== name) {
    throw new Error(`spool directory of webhook ${JSON.stringify(id)} would not be inside ${root}`);
  }
  return directory;
}
