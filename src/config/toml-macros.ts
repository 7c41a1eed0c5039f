import { DocumentMacros, type Environment, flatKey } from './document-macros.ts';
import { WebhookConfigError } from './errors.ts';
import { hasMacro, MacroError } from './macros.ts';
import type { ValueSource } from './sources.ts';
import { tomlPlace } from './toml.ts';
import { indexKeyLines } from './toml-lines.ts';

type Tree = Readonly<Record<string, unknown>>;

/** The document with the macros of its webhook tables expanded, and where each expanded value came from. */
export interface TomlExpansion {
  readonly root: Tree;
  /** By webhook id. */
  readonly sources: ReadonlyMap<string, readonly ValueSource[]>;
  /** Keys whose macros expanded to nothing: an empty value is no secret, and errors may say so. */
  readonly empty: ReadonlySet<string>;
}

function isTable(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `timeout` from `timeout`, `auth.token` from `auth`,`token`, `signatureKey` from `signature-key`. */
function optionOf(path: readonly (string | number)[]): string {
  const camel = (key: string): string => key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  const [first = '', second] = path;
  const option = camel(String(first));
  return option === 'auth' && typeof second === 'string' ? `auth.${camel(second)}` : option;
}

/**
 * Expands Stalwart's `%{env:…}%`, `%{file:…}%` and `%{cfg:…}%` macros in every string of every
 * `[webhook."<id>"]` table (array elements and inline tables included); `%{cfg:…}%` may refer
 * to any key of the document. Keys are never expanded. A macro that cannot be expanded is a
 * {@link WebhookConfigError} `ERR_WEBHOOK_MACRO` naming the key and the macro, never a value.
 */
export function expandTomlMacros(root: Tree, source: string, env: Environment): TomlExpansion {
  const webhooks = root['webhook'];
  const sources = new Map<string, ValueSource[]>();
  const empty = new Set<string>();
  if (!isTable(webhooks) || !Object.values(webhooks).some(containsMacro)) return { root, sources, empty };
  const macros = new DocumentMacros(root, env);
  let lineOf: ReturnType<typeof indexKeyLines> | undefined;

  const keyOf = (id: string, path: readonly (string | number)[]): { key: string; line: number | undefined; note: string } => {
    lineOf ??= indexKeyLines(source);
    const tablePath = path.filter((segment): segment is string => typeof segment === 'string');
    const place = tomlPlace(id, tablePath.slice(0, firstIndex(path)), lineOf);
    const rest = path.slice(firstIndex(path)).map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`));
    return { key: place.key + rest.join(''), line: place.line, note: place.note };
  };

  const expandIn = (id: string, value: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(value)) return value.map((child, index) => expandIn(id, child, [...path, index]));
    if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, expandIn(id, child, [...path, key])]));
    if (typeof value !== 'string' || !hasMacro(value)) return value;
    let expanded: ReturnType<DocumentMacros['expand']>;
    try {
      expanded = macros.expand(flatKey(['webhook', id, ...path]), value);
    } catch (error) {
      if (!(error instanceof MacroError)) throw error;
      const { key, line, note } = keyOf(id, path);
      throw new WebhookConfigError('ERR_WEBHOOK_MACRO', key, `${key}: ${error.message}${note}`, line);
    }
    if (expanded.uses.length === 0) return value;
    const { key } = keyOf(id, path);
    if (expanded.text === '') empty.add(key);
    const list = sources.get(id) ?? [];
    list.push({
      option: optionOf(path),
      index: path.find((segment): segment is number => typeof segment === 'number'),
      key,
      from: [...new Set(expanded.uses)],
      literalPrefix: expanded.secret[0]?.[0] ?? expanded.text.length,
    });
    sources.set(id, list);
    return expanded.text;
  };

  const expandedWebhooks = Object.fromEntries(
    Object.entries(webhooks).map(([id, table]) => [id, isTable(table) ? expandIn(id, table, []) : table]),
  );
  return { root: { ...root, webhook: expandedWebhooks }, sources, empty };
}

function firstIndex(path: readonly (string | number)[]): number {
  const index = path.findIndex((segment) => typeof segment === 'number');
  return index < 0 ? path.length : index;
}

function containsMacro(value: unknown): boolean {
  if (typeof value === 'string') return hasMacro(value);
  if (Array.isArray(value)) return value.some(containsMacro);
  return isTable(value) && Object.values(value).some(containsMacro);
}

/** Why a value was refused, by error code, in words that do not depend on the value. */
const REASONS: Readonly<Record<string, string>> = {
  ERR_WEBHOOK_INVALID_DURATION: 'expected a duration like "30s"',
  ERR_WEBHOOK_INVALID_URL: 'expected an http: or https: URL',
  ERR_WEBHOOK_INVALID_HEADER: 'expected "Name: value" with a valid header name and value, each name once',
  ERR_WEBHOOK_RESERVED_HEADER: 'names a header the exporter sets itself (Content-Type, X-Signature, or Authorization with auth)',
  ERR_WEBHOOK_INVALID_PATTERN: 'expected an event pattern like "auth.*"',
  ERR_WEBHOOK_INVALID_TYPE: 'has the wrong type for this key',
};

/**
 * `error`, or when the key it names (or a key inside it) got its value from a macro, the same
 * error with a message that names the macro instead of showing the value: values from macros
 * are secrets.
 */
export function hideMacroValues(error: unknown, { sources, empty }: TomlExpansion): unknown {
  if (!(error instanceof WebhookConfigError) || error.key === '') return error;
  const inside = (key: string): boolean => key === error.key || key.startsWith(`${error.key}.`) || key.startsWith(`${error.key}[`);
  const from = [...sources.values()].flat().filter((source) => inside(source.key) && !empty.has(source.key));
  if (from.length === 0) return error;
  const macros = [...new Set(from.flatMap((source) => source.from))].join(', ');
  const reason = REASONS[error.code] ?? 'is not an accepted value';
  const note = error.line === undefined ? '' : ` (line ${error.line})`;
  const message = `${error.key}: ${reason}; the value comes from ${macros} and is not shown${note}`;
  return new WebhookConfigError(error.code, error.key, message, error.line);
}
