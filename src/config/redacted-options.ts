import { type InspectOptions, inspect } from 'node:util';
import type { MeterProvider } from '@opentelemetry/api';
import type { ResolvedWebhookOptions } from './options.ts';
import { redactHeaderValue, redactUrl } from './redact.ts';

/** What replaces a secret in the options view. */
export const REDACTED = '***';

/**
 * The options as a processor or exporter shows them: the same shape, frozen, with every
 * secret replaced by `***`: the signature key (each key of a list), the credentials of
 * `Authorization` (`Basic ***`, `Bearer ***`), the values of credential-like headers, the
 * user and password of the URL and of the proxy, and the TLS private key. Everything else
 * (id, events, durations, limits, certificates, file paths) is as configured. A meter
 * provider is shown as `[MeterProvider]`: its internals are not options (and may not serialize).
 */
export function redactOptions(options: ResolvedWebhookOptions): ResolvedWebhookOptions {
  const { authorization, signatureKey, proxy, tls } = options;
  const scheme = authorization === undefined ? undefined : /^\S+/.exec(authorization)?.[0];
  const headers = Object.fromEntries(Object.entries(options.headers).map(([name, value]) => [name, redactHeaderValue(name, value)]));
  return Object.freeze({
    ...options,
    url: new URL(redactUrl(options.url)),
    signatureKey:
      signatureKey === undefined
        ? undefined
        : typeof signatureKey === 'string'
          ? REDACTED
          : Object.freeze(signatureKey.map(() => REDACTED)),
    proxy: proxy === undefined ? undefined : new URL(redactUrl(proxy)),
    tls: tls === undefined ? undefined : Object.freeze({ ...tls, key: tls.key === undefined ? undefined : REDACTED }),
    authorization: authorization === undefined ? undefined : scheme === authorization ? REDACTED : `${scheme} ${REDACTED}`,
    headers: Object.freeze(headers),
    selfObsMeterProvider: meterProviderView(options.selfObsMeterProvider),
  });
}

/** The provider behind a stand-in that prints (and serializes) as `[MeterProvider]`. */
function meterProviderView(provider: MeterProvider | undefined): MeterProvider | undefined {
  if (provider === undefined) return undefined;
  const label = '[MeterProvider]';
  return Object.freeze({
    getMeter: (...args: Parameters<MeterProvider['getMeter']>) => provider.getMeter(...args),
    toJSON: () => label,
    [inspect.custom]: () => label,
  });
}

/**
 * A `util.inspect.custom` method that shows `Name { id, options }` from the object's
 * `toJSON()` (the redacted view), for classes whose fields hold secrets.
 */
export function inspectAs(
  name: string,
): (this: { toJSON(): unknown }, depth: number, options: InspectOptions, show: typeof inspect) => string {
  return function (this: { toJSON(): unknown }, depth, options, show) {
    if (depth < 0) return `[${name}]`;
    const inner = options.depth === null || options.depth === undefined ? options.depth : options.depth - 1;
    return `${name} ${show(this.toJSON(), { ...options, depth: inner })}`;
  };
}
