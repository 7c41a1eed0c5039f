import { isValidHeaderValue } from './headers.ts';
import { AUTH_KEYS } from './known-options.ts';
import type { ResolvedWebhookOptions } from './options.ts';
import { describe, fail, isRecord, isString, type Locate, show } from './place.ts';
import { optional, rejectUnknownKeys } from './resolve-values.ts';

/** Basic credentials written into the URL (`https://user:pass@host/`), as HTTP clients send them. */
export function urlCredentials(url: URL): Pick<ResolvedWebhookOptions, 'authorization' | 'authKind'> {
  if (url.username === '' && url.password === '') return { authorization: undefined, authKind: 'none' };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`, authKind: 'basic' };
}

export function resolveAuth(value: unknown, url: URL, locate: Locate): Pick<ResolvedWebhookOptions, 'authorization' | 'authKind'> {
  const fromUrl = urlCredentials(url);
  if (value !== undefined && fromUrl.authKind !== 'none') {
    fail(locate('auth'), 'ERR_WEBHOOK_INVALID_VALUE', ' cannot be combined with credentials in url');
  }
  if (value === undefined) return fromUrl;
  if (!isRecord(value)) fail(locate('auth'), 'ERR_WEBHOOK_INVALID_TYPE', ` must be an object, got ${describe(value)}`);
  rejectUnknownKeys(value, AUTH_KEYS, 'auth.', locate);
  const field = (name: string, secret: boolean): string | undefined => {
    const place = locate(`auth.${name}`);
    const text = optional(value[name], place, isString, 'a string', secret);
    if (text === '') fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
    return text;
  };
  const username = field('username', false);
  const secret = field('secret', true);
  const token = field('token', true);
  if (token !== undefined) {
    const place = locate('auth.token');
    if (username !== undefined || secret !== undefined) {
      fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' cannot be combined with auth.username/auth.secret');
    }
    if (!isValidHeaderValue(token)) fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' must not contain control characters');
    return { authorization: `Bearer ${token}`, authKind: 'bearer' };
  }
  if (username === undefined && secret === undefined) return { authorization: undefined, authKind: 'none' };
  if (secret === undefined) fail(locate('auth.secret'), 'ERR_WEBHOOK_MISSING_KEY', ': missing, auth.username needs it');
  if (username === undefined) fail(locate('auth.username'), 'ERR_WEBHOOK_MISSING_KEY', ': missing, auth.secret needs it');
  if (username.includes(':')) fail(locate('auth.username'), 'ERR_WEBHOOK_INVALID_VALUE', ` must not contain ":", got ${show(username)}`);
  const credentials = Buffer.from(`${username}:${secret}`, 'utf8').toString('base64');
  return { authorization: `Basic ${credentials}`, authKind: 'basic' };
}
