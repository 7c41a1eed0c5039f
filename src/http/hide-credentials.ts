import { redactUrl, secretParams } from '../config/redact.ts';

const MASK = '***';

/** A URL part percent-decoded, or as it is when it does not decode. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `user` where it is the userinfo of a URL in a message: after `//`, the start or a space,
 * quote or bracket, and followed by `@` or `:<password>@`.
 */
function userinfo(user: string): RegExp {
  return new RegExp(`(^|//|[\\s"'(<\\[=,;])${escapeRegExp(user)}(?=(?::[^\\s@/]*)?@)`, 'g');
}

/**
 * `message` with the credentials of `urls` hidden: each URL as a whole shown redacted, its
 * password (as written and decoded) masked wherever it appears, its user name masked where it
 * is the `user@` or `user:pass@` of a URL (a short user name such as `a` is also a part of
 * ordinary words), and the values of its credential-like query parameters (`token=…`) masked.
 */
export function hideCredentials(message: string, urls: readonly URL[]): string {
  let result = message;
  for (const url of urls) {
    result = result.replaceAll(url.href, redactUrl(url));
    for (const password of new Set([url.password, decoded(url.password)])) {
      if (password !== '') result = result.replaceAll(password, MASK);
    }
    for (const user of new Set([url.username, decoded(url.username)])) {
      if (user !== '') result = result.replace(userinfo(user), `$1${MASK}`);
    }
    for (const [written, shown] of secretParams(url)) result = result.replaceAll(written, shown);
  }
  return result;
}
