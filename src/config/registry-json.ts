import type { Environment } from './document-macros.ts';
import type { WebhookOptions } from './options.ts';
import type { Locate, Place } from './place.ts';
import { type RegistryEntry, registryEntries } from './registry-input.ts';
import { type At, fail, isObject, kind, onlyProperties, registrySecret, shown, text, variantOf } from './registry-secret.ts';
import { resolve } from './resolve-options.ts';
import type { ValueSource } from './sources.ts';
import { nearest } from './suggest.ts';

type Json = Readonly<Record<string, unknown>>;

/** The properties of a 0.16 registry WebHook, and `id` (which JMAP adds). */
const PROPERTIES: readonly string[] = [
  'id',
  'url',
  'enable',
  'allowInvalidCerts',
  'timeout',
  'throttle',
  'discardAfter',
  'level',
  'lossy',
  'httpHeaders',
  'events',
  'eventsPolicy',
  'signatureKey',
  'httpAuth',
];

/** Option names (as `resolve` reports them) → registry property paths. */
const PROPERTY_OF: Readonly<Record<string, string>> = {
  timeoutMillis: 'timeout',
  throttleMillis: 'throttle',
  discardAfterMillis: 'discardAfter',
  headers: 'httpHeaders',
  auth: 'httpAuth',
  'auth.username': 'httpAuth.username',
  'auth.secret': 'httpAuth.secret',
  'auth.token': 'httpAuth.bearerToken',
};

const LEVELS = ['error', 'warn', 'info', 'debug', 'trace'];

/** An event name as the registry writes it: no wildcards, no exclusions. */
const EVENT_NAME = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;

/** Webhooks read from registry JSON, and where their secrets came from. */
export interface RegistryWebhooks {
  readonly webhooks: WebhookOptions[];
  /** By webhook id. */
  readonly sources: ReadonlyMap<string, readonly ValueSource[]>;
}

/** `hooks.example.com/stalwart`: an id for a WebHook that has none, from its url. */
function idFromUrl(url: unknown): string | undefined {
  const parsed = typeof url === 'string' ? URL.parse(url) : null;
  if (parsed === null || parsed.host === '') return undefined;
  return `${parsed.host}${parsed.pathname}`.replace(/\/+$/, '');
}

/**
 * Reads 0.16 registry WebHook objects (see {@link registryEntries} for the forms accepted) into
 * webhook options, validated as {@link resolve} validates them, with errors naming the
 * property path: `WebHook."itezrjaaaeaf".timeout must be a positive integer, got 0`. A webhook's
 * id is its `id` (JMAP), else its snapshot key without `webhook-`, else its url's host and path.
 */
export function parseRegistryWebhooks(source: string, env: Environment): RegistryWebhooks {
  const webhooks: WebhookOptions[] = [];
  const sources = new Map<string, ValueSource[]>();
  const taken = new Set<string>();
  for (const [index, entry] of registryEntries(source).entries()) {
    const id = idOf(entry, index, taken);
    const { options, secrets } = readWebhook(entry, id, env);
    webhooks.push(options);
    if (secrets.length > 0) sources.set(id, secrets);
  }
  return { webhooks, sources };
}

function idOf(entry: RegistryEntry, index: number, taken: Set<string>): string {
  const object = entry.object;
  const note = entry.line === undefined ? '' : ` (line ${entry.line})`;
  const whole: Place = { key: entry.where, note, line: entry.line };
  if (!isObject(object)) fail(whole, 'ERR_WEBHOOK_INVALID_TYPE', `: expected a WebHook object, got ${kind(object)}`);
  const given = object['id'];
  if (given !== undefined && (typeof given !== 'string' || given === '')) {
    fail({ ...whole, key: `${entry.where}.id` }, 'ERR_WEBHOOK_INVALID_VALUE', ` must be a non-empty string, got ${shown(given)}`);
  }
  let chosen = given ?? entry.key;
  if (chosen === undefined) {
    // Made up here, so made unique here: two WebHooks may share a url.
    const base = idFromUrl(object['url']) ?? `webhook-${index + 1}`;
    chosen = base;
    for (let n = 2; taken.has(chosen); n++) chosen = `${base}#${n}`;
  }
  taken.add(chosen);
  return chosen;
}

function readWebhook(entry: RegistryEntry, id: string, env: Environment): { options: WebhookOptions; secrets: ValueSource[] } {
  const object = entry.object as Json;
  const base = `WebHook.${JSON.stringify(id)}`;
  const note = entry.line === undefined ? '' : ` (line ${entry.line})`;
  const at: At = (property) => ({ key: `${base}.${property}`, note, line: entry.line });
  for (const name of Object.keys(object)) {
    if (!PROPERTIES.includes(name)) {
      const close = nearest(name, PROPERTIES, 1)[0];
      fail(at(name), 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown WebHook property${close === undefined ? '' : `, did you mean "${close}"?`}`);
    }
  }
  const options: Record<string, unknown> = { id };
  for (const name of ['url', 'enable', 'allowInvalidCerts', 'lossy']) if (object[name] !== undefined) options[name] = object[name];
  for (const name of ['timeout', 'throttle', 'discardAfter']) if (object[name] !== undefined) options[`${name}Millis`] = object[name];
  const level = object['level'];
  if (level !== undefined && (typeof level !== 'string' || !LEVELS.includes(level))) {
    fail(at('level'), 'ERR_WEBHOOK_INVALID_VALUE', ` must be one of ${LEVELS.map((l) => `"${l}"`).join(', ')}, got ${shown(level)}`);
  }
  if (object['httpHeaders'] !== undefined) options['headers'] = headers(object['httpHeaders'], at);
  options['events'] = events(object['events'], object['eventsPolicy'], at);

  const secrets: ValueSource[] = [];
  const record = (option: string, key: string, from: string | undefined): void => {
    if (from !== undefined) secrets.push({ option, index: undefined, key: `${base}.${key}`, from: [from], literalPrefix: 0 });
  };
  if (object['signatureKey'] !== undefined) {
    const sub: At = (property) => at(`signatureKey.${property}`);
    const { value, from } = registrySecret(object['signatureKey'], at('signatureKey'), sub, true, env);
    if (value !== undefined) options['signatureKey'] = value;
    record('signatureKey', 'signatureKey', from);
  }
  if (object['httpAuth'] !== undefined) {
    const { auth, from, option, key } = httpAuth(object['httpAuth'], at, env);
    if (auth !== undefined) options['auth'] = auth;
    if (option !== undefined && key !== undefined) record(option, key, from);
  }

  const locate: Locate = (option) => (option === 'id' ? { key: base, note, line: entry.line } : at(PROPERTY_OF[option] ?? option));
  resolve(options, locate);
  // `resolve` accepted every key, so the object has the shape of WebhookOptions.
  return { options: options as unknown as WebhookOptions, secrets };
}

/** `httpHeaders`: name → value, both trimmed as Stalwart trims them; an empty value is refused, as Stalwart refuses it. */
function headers(value: unknown, at: At): Record<string, string> {
  if (!isObject(value))
    fail(at('httpHeaders'), 'ERR_WEBHOOK_INVALID_TYPE', ` must be an object of header name → value, got ${kind(value)}`);
  const result: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    const place = at(`httpHeaders.${JSON.stringify(name)}`);
    if (typeof text !== 'string') fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a string, got ${kind(text)}`);
    if (text.trim() === '') fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
    result[name.trim()] = text.trim();
  }
  return result;
}

/**
 * `events` (`{"auth.success": true}`; `false` and `null` entries are left out, as Stalwart
 * leaves them out) and `eventsPolicy` as patterns: `include` lists the names, `exclude`
 * (Stalwart's default) is every event but the names: `["*", "!auth.success"]`.
 */
function events(value: unknown, policy: unknown, at: At): string[] {
  if (policy !== undefined && policy !== 'include' && policy !== 'exclude') {
    fail(at('eventsPolicy'), 'ERR_WEBHOOK_INVALID_VALUE', ` must be "include" or "exclude", got ${shown(policy)}`);
  }
  if (value !== undefined && !isObject(value)) {
    fail(at('events'), 'ERR_WEBHOOK_INVALID_TYPE', ` must be an object of event name → true, got ${shown(value)}`);
  }
  const names: string[] = [];
  for (const [name, on] of Object.entries(value ?? {})) {
    const place = at(`events.${JSON.stringify(name)}`);
    if (on === false || on === null) continue;
    if (on !== true) fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be true (or false to leave it out), got ${shown(on)}`);
    if (!EVENT_NAME.test(name)) {
      fail(
        place,
        'ERR_WEBHOOK_INVALID_PATTERN',
        ': not an event name; registry events are exact names like "auth.success", without wildcards',
      );
    }
    names.push(name);
  }
  if (policy === 'include') {
    if (names.length === 0)
      fail(at('events'), 'ERR_WEBHOOK_INVALID_VALUE', ': no event enabled, and eventsPolicy is "include": nothing would be sent');
    return names;
  }
  return ['*', ...names.map((name) => `!${name}`)];
}

/** `httpAuth`: `Unauthenticated`, `Basic {username, secret}` or `Bearer {bearerToken}`. */
function httpAuth(
  value: unknown,
  at: At,
  env: Environment,
): { auth: Record<string, string> | undefined; from: string | undefined; option?: string; key?: string } {
  const sub: At = (property) => at(`httpAuth.${property}`);
  const { object, type } = variantOf(value, at('httpAuth'), sub, ['Unauthenticated', 'Basic', 'Bearer']);
  if (type === 'Unauthenticated') {
    onlyProperties(object, ['@type'], sub, '"Unauthenticated"');
    return { auth: undefined, from: undefined };
  }
  if (type === 'Basic') {
    onlyProperties(object, ['@type', 'username', 'secret'], sub, '"Basic"');
    const username = text(object, 'username', sub).trim();
    const secretAt: At = (property) => sub(`secret.${property}`);
    if (object['secret'] === undefined) fail(sub('secret'), 'ERR_WEBHOOK_MISSING_KEY', ': missing');
    const { value: secret, from } = registrySecret(object['secret'], sub('secret'), secretAt, false, env);
    return { auth: { username, secret: secret ?? '' }, from, option: 'auth.secret', key: 'httpAuth.secret' };
  }
  onlyProperties(object, ['@type', 'bearerToken'], sub, '"Bearer"');
  const tokenAt: At = (property) => sub(`bearerToken.${property}`);
  if (object['bearerToken'] === undefined) fail(sub('bearerToken'), 'ERR_WEBHOOK_MISSING_KEY', ': missing');
  const { value: token, from } = registrySecret(object['bearerToken'], sub('bearerToken'), tokenAt, false, env);
  return { auth: { token: token ?? '' }, from, option: 'auth.token', key: 'httpAuth.bearerToken' };
}
