import type { Environment } from './document-macros.ts';
import { WebhookConfigError, type WebhookConfigErrorCode } from './errors.ts';
import type { Place } from './place.ts';
import { readTextFile } from './read-text-file.ts';

type Json = Readonly<Record<string, unknown>>;

/** Names a property below the one being read: `signatureKey` → `signatureKey.secret`. */
export type At = (property: string) => Place;

export function fail(place: Place, code: WebhookConfigErrorCode, problem: string): never {
  throw new WebhookConfigError(code, place.key, `${place.key}${problem}${place.note}`, place.line);
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The kind of a value, never the value: `a number`, `an array`. */
export function kind(value: unknown): string {
  if (value === null) return 'null';
  const name = Array.isArray(value) ? 'array' : typeof value;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** A value for an error message: JSON, cut to about 60 characters. */
export function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** Fails on a property of `object` outside `allowed`. */
export function onlyProperties(object: Json, allowed: readonly string[], at: At, what: string): void {
  for (const name of Object.keys(object)) {
    if (!allowed.includes(name)) {
      const known = allowed.map((property) => JSON.stringify(property)).join(', ');
      fail(at(name), 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown property of ${what} (it has ${known})`);
    }
  }
}

/** The `@type` of a tagged object, one of `variants`. */
export function variantOf(value: unknown, place: Place, at: At, variants: readonly string[]): { object: Json; type: string } {
  const expected = variants.map((variant) => JSON.stringify(variant)).join(', ');
  if (!isObject(value)) fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be an object with "@type" ${expected}, got ${kind(value)}`);
  const type = value['@type'];
  if (type === undefined) fail(place, 'ERR_WEBHOOK_MISSING_KEY', `: "@type" is missing; expected one of ${expected}`);
  if (typeof type !== 'string' || !variants.includes(type)) {
    fail(at('@type'), 'ERR_WEBHOOK_INVALID_VALUE', ` must be one of ${expected}, got ${JSON.stringify(type)}`);
  }
  return { object: value, type };
}

/** A required non-empty string property (not a secret: a name, a path). */
export function text(object: Json, property: string, at: At): string {
  const value = object[property];
  if (value === undefined) fail(at(property), 'ERR_WEBHOOK_MISSING_KEY', ': missing');
  if (typeof value !== 'string') fail(at(property), 'ERR_WEBHOOK_INVALID_TYPE', ` must be a string, got ${shown(value)}`);
  if (value.trim() === '') fail(at(property), 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
  return value;
}

/** A secret and, when it came from outside the object, where from (names only). */
export interface Secret {
  readonly value: string | undefined;
  readonly from: string | undefined;
}

/**
 * A registry `SecretKey` (or, with `optional`, `SecretKeyOptional`, which adds `None`):
 * `Value {secret}`, `EnvironmentVariable {variableName}` or `File {filePath}`, resolved now as
 * Stalwart 0.16 resolves it when it uses the secret: the variable name and the path are trimmed,
 * an empty variable counts as unset, a file loses its trailing whitespace and must not be empty
 * then. Stalwart logs a failure and goes on without the secret; here it is a config error.
 */
export function registrySecret(value: unknown, place: Place, at: At, optional: boolean, env: Environment): Secret {
  const variants = optional ? ['None', 'Value', 'EnvironmentVariable', 'File'] : ['Value', 'EnvironmentVariable', 'File'];
  const { object, type } = variantOf(value, place, at, variants);
  if (type === 'None') {
    onlyProperties(object, ['@type'], at, '"None"');
    return { value: undefined, from: undefined };
  }
  if (type === 'Value') {
    onlyProperties(object, ['@type', 'secret'], at, '"Value"');
    const secret = object['secret'];
    if (secret === undefined) {
      fail(
        at('secret'),
        'ERR_WEBHOOK_SECRET',
        ': missing; a snapshot taken without --include-secrets leaves secrets out: give the secret, or use "EnvironmentVariable" or "File"',
      );
    }
    if (typeof secret !== 'string') fail(at('secret'), 'ERR_WEBHOOK_INVALID_TYPE', ` must be a string, got ${kind(secret)}`);
    if (secret === '') fail(at('secret'), 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
    if (/^\*+$/.test(secret)) {
      fail(
        at('secret'),
        'ERR_WEBHOOK_SECRET',
        ': masked by the server (x:WebHook/get and snapshots show secrets as "****"): give the secret, or use "EnvironmentVariable" or "File"',
      );
    }
    return { value: secret, from: undefined };
  }
  if (type === 'EnvironmentVariable') {
    onlyProperties(object, ['@type', 'variableName'], at, '"EnvironmentVariable"');
    const name = text(object, 'variableName', at).trim();
    const found = env[name];
    if (found === undefined || found === '') {
      fail(
        at('variableName'),
        'ERR_WEBHOOK_SECRET',
        `: the environment variable ${JSON.stringify(name)} is ${found === undefined ? 'not set' : 'empty'}`,
      );
    }
    return { value: found, from: `environment variable ${JSON.stringify(name)}` };
  }
  onlyProperties(object, ['@type', 'filePath'], at, '"File"');
  const path = text(object, 'filePath', at).trim();
  let content: string;
  try {
    content = readTextFile(path).trimEnd();
  } catch (error) {
    return fail(at('filePath'), 'ERR_WEBHOOK_SECRET', `: cannot read ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
  if (content === '') fail(at('filePath'), 'ERR_WEBHOOK_SECRET', `: ${JSON.stringify(path)} is empty`);
  return { value: content, from: `file ${JSON.stringify(path)}` };
}
