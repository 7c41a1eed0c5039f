import { kindOf, type OptionErrors } from './option-errors.ts';
import { redactUrl } from './redact.ts';

/** `proxy`: an `http:` or `https:` URL with a host and nothing after it but `/`. Never shown with its credentials. */
export function resolveProxy(value: unknown, errors: OptionErrors): URL | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') errors.fail('proxy', 'ERR_WEBHOOK_INVALID_TYPE', ` must be a string, got ${kindOf(value)}`);
  const url = URL.parse(value);
  const shown = JSON.stringify(redactUrl(value));
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    errors.fail(
      'proxy',
      'ERR_WEBHOOK_INVALID_URL',
      ` must be an http: or https: URL like "http://user:pass@proxy.example:3128", got ${shown}`,
    );
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    errors.fail('proxy', 'ERR_WEBHOOK_INVALID_URL', ` must be a proxy's address only (scheme, credentials, host, port), got ${shown}`);
  }
  return url;
}
