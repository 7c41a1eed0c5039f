import { WebhookConfigError, type WebhookConfigErrorCode } from './errors.ts';

/**
 * Naming options in errors. One validation routine serves every source (code, TOML, registry
 * JSON); a `Locate` names an option (`timeoutMillis`, `auth.secret`) the way its source spells it.
 */

/** How an error names an option: the printed key path, a trailing note, the TOML line. */
export interface Place {
  readonly key: string;
  readonly note: string;
  readonly line: number | undefined;
}

export type Locate = (option: string) => Place;

export type Input = Readonly<Record<string, unknown>>;

export function fail(place: Place, code: WebhookConfigErrorCode, problem: string): never {
  throw new WebhookConfigError(code, place.key, `${place.key}${problem}${place.note}`, place.line);
}

/** Options from code are named as in code, followed by the webhook's id when it has one. */
export function codeLocate(input: unknown): Locate {
  const id = isRecord(input) ? input['id'] : undefined;
  const note = typeof id === 'string' && id !== '' ? ` (webhook ${JSON.stringify(id)})` : '';
  return (option) => ({ key: option, note, line: undefined });
}

/** A value for an error message: JSON, cut to about 60 characters. */
export function show(value: unknown): string {
  let text: string | undefined;
  if (typeof value === 'function' || typeof value === 'symbol') return describe(value);
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) text = String(value);
  else {
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
  }
  if (text === undefined) return describe(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The kind of a value without the value itself, for secrets: `a number`, `an array`. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const kind = Array.isArray(value) ? 'array' : typeof value;
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

export function isRecord(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}
