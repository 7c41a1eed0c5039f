import { type Budget, type Expansion, expandPass, type Found, literal, MacroError } from './macros.ts';
import { readTextFile } from './read-text-file.ts';

/** Environment variables, as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Most characters the macros of one document may produce in total. */
const MAX_TOTAL_CHARS = 16 * 1_048_576;

/** Deepest chain of `%{cfg:…}%` references followed (each to a key that sorts earlier). */
const MAX_CFG_DEPTH = 32;

type Tree = Readonly<Record<string, unknown>>;

function isTable(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Stalwart's order of keys: UTF-8 bytes. */
function sortsBefore(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
}

/**
 * A key of the flattened document, as Stalwart names it: tables and inline tables joined by
 * dots, array elements as four-digit indices (`server.listener.smtp.bind.0000`).
 */
export function flatKey(path: readonly (string | number)[]): string {
  return path.map((segment) => (typeof segment === 'number' ? String(segment).padStart(4, '0') : segment)).join('.');
}

/** Every value of a parsed TOML document by its flattened key, as text (Stalwart keeps all values as strings). */
function flatten(root: Tree): Map<string, string> {
  const keys = new Map<string, string>();
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (isTable(value)) for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
    else if (Array.isArray(value)) for (const [index, child] of value.entries()) walk(child, [...path, index]);
    else keys.set(flatKey(path), String(value));
  };
  walk(root, []);
  return keys;
}

/** What a memoized step produced: a value, or the error to throw again. */
type Outcome = Expansion | MacroError;

function settle(outcome: Outcome): Expansion {
  if (outcome instanceof MacroError) throw outcome;
  return outcome;
}

/**
 * The macros of one TOML document, expanded on demand as Stalwart ≤ 0.15 expands them all:
 * env, then file, then cfg, one pass each. `%{cfg:key}%` takes the key's value after its env
 * and file passes; when that value has cfg macros of its own, they are expanded only if the
 * key sorts before the one being expanded (Stalwart's passes walk keys in byte order and see
 * the results of earlier keys), else the text stays as it is. Only keys that are asked for
 * (and the keys they refer to) are expanded, so a macro elsewhere in the file, for a setting
 * this package does not read, is never looked up.
 */
export class DocumentMacros {
  private readonly root: Tree;
  private readonly env: Environment;
  private keys: Map<string, string> | undefined;
  private readonly files = new Map<string, string | Error>();
  private readonly fileExpanded = new Map<string, Outcome>();
  private readonly cfgExpanded = new Map<string, Outcome>();
  private readonly budget: Budget = { left: MAX_TOTAL_CHARS };

  constructor(root: Tree, env: Environment) {
    this.root = root;
    this.env = env;
  }

  /** `raw`, the value of flattened key `key`, with its macros expanded; throws a {@link MacroError}. */
  expand(key: string, raw: string): Expansion {
    return this.cfgPass(key, this.envAndFile(raw), 0);
  }

  private envAndFile(raw: string): Expansion {
    const env = expandPass(literal(raw), 'env', (name, shown) => this.variable(name, shown), this.budget);
    return expandPass(env, 'file', (path, shown) => this.file(path, shown), this.budget);
  }

  private variable(name: string, shown: string): Found {
    const value = this.env[name];
    if (value === undefined) throw new MacroError(`${shown}: the environment variable is not set`);
    return { text: value };
  }

  /** A file's content without its trailing line endings; `//` before the path is dropped, as Stalwart does. */
  private file(argument: string, shown: string): Found {
    const path = argument.startsWith('//') ? argument.slice(2) : argument;
    let content = this.files.get(path);
    if (content === undefined) {
      try {
        content = readTextFile(path).replace(/[\r\n]+$/, '');
      } catch (error) {
        content = error instanceof Error ? error : new Error(String(error));
      }
      this.files.set(path, content);
    }
    if (content instanceof Error) throw new MacroError(`${shown}: cannot read the file: ${content.message}`);
    return { text: content };
  }

  private cfgPass(key: string, value: Expansion, depth: number): Expansion {
    return expandPass(value, 'cfg', (target, shown) => this.reference(key, target, shown, depth), this.budget);
  }

  /** The value `%{cfg:target}%` stands for, inside the value of `key`. */
  private reference(key: string, target: string, shown: string, depth: number): Found {
    this.keys ??= flatten(this.root);
    const raw = this.keys.get(target);
    if (raw === undefined) throw new MacroError(`${shown}: the configuration has no key ${JSON.stringify(target)}`);
    try {
      let value = this.memo(this.fileExpanded, target, () => this.envAndFile(raw));
      if (value.text.includes('%{cfg:') && sortsBefore(target, key)) {
        if (depth >= MAX_CFG_DEPTH) throw new MacroError(`cfg macros refer through more than ${MAX_CFG_DEPTH} keys`);
        value = this.memo(this.cfgExpanded, target, () => this.cfgPass(target, value, depth + 1));
      }
      return { text: value.text, uses: value.uses.map((use) => `${use} (in ${target})`) };
    } catch (error) {
      if (error instanceof MacroError) throw new MacroError(`${shown}: ${target}: ${error.message}`);
      throw error;
    }
  }

  private memo(cache: Map<string, Outcome>, key: string, compute: () => Expansion): Expansion {
    let outcome = cache.get(key);
    if (outcome === undefined) {
      try {
        outcome = compute();
      } catch (error) {
        if (!(error instanceof MacroError)) throw error;
        outcome = error;
      }
      cache.set(key, outcome);
    }
    return settle(outcome);
  }
}
