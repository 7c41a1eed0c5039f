import { getCACertificates } from 'node:tls';
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from 'undici';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import { type EnvProxies, envProxies } from './env-proxy.ts';

/** How a webhook's requests travel. */
export type Route =
  | { readonly kind: 'direct' }
  | { readonly kind: 'proxy'; readonly proxy: URL }
  | { readonly kind: 'env'; readonly proxies: EnvProxies };

/** A webhook's dispatcher and how it routes. */
export interface WebhookDispatcher {
  readonly dispatcher: Dispatcher;
  readonly route: Route;
  /** URLs whose credentials must never appear in a message (the proxies'). */
  readonly proxyUrls: readonly URL[];
}

/** TLS options for connections to the endpoint (Node `tls.connect` options). */
interface EndpointTls {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
  servername?: string;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** Node's trusted roots plus the extra CA certificates, or `undefined` when there are none. */
function trustedCertificates(options: ResolvedWebhookOptions): string[] | undefined {
  const extra = [...(options.ca ?? []), ...(options.tls?.ca ?? [])];
  if (extra.length === 0) return undefined;
  return [...getCACertificates('default'), ...extra];
}

function endpointTls(options: ResolvedWebhookOptions, ca: string[] | undefined): EndpointTls {
  const tls: EndpointTls = { rejectUnauthorized: !options.allowInvalidCerts };
  if (ca !== undefined) tls.ca = ca;
  const { cert, key, serverName, minVersion } = options.tls ?? {};
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  if (serverName !== undefined) tls.servername = serverName;
  if (minVersion !== undefined) tls.minVersion = minVersion;
  return tls;
}

/** How the webhook's requests should travel: its own proxy, the environment's, or direct. */
export function routeFor(options: ResolvedWebhookOptions, env: NodeJS.ProcessEnv = process.env): Route {
  if (options.proxy !== undefined) return { kind: 'proxy', proxy: options.proxy };
  const proxies = envProxies(env);
  return proxies === undefined ? { kind: 'direct' } : { kind: 'env', proxies };
}

/**
 * The undici dispatcher of one webhook: one connection (kept alive), timeouts on connect,
 * headers and body; through `proxy` with a `ProxyAgent` (a CONNECT tunnel for `https:`, TLS
 * to the endpoint inside it with the webhook's TLS settings), through the environment's
 * proxies with an `EnvHttpProxyAgent` when Node's switch is on, else a plain `Agent`.
 * Throws a `WebhookConfigError` when an environment proxy URL is not valid.
 */
export function createDispatcher(options: ResolvedWebhookOptions): WebhookDispatcher {
  const { timeoutMillis } = options;
  const ca = trustedCertificates(options);
  const tls = endpointTls(options, ca);
  const common = {
    // One request at a time per webhook: one connection, kept alive between requests.
    connections: 1,
    headersTimeout: timeoutMillis,
    bodyTimeout: timeoutMillis,
  };
  // A proxy reached over https: is checked against the same roots as the endpoint.
  const proxyTls = { timeout: timeoutMillis, ...(ca === undefined ? {} : { ca }) };
  const route = routeFor(options);
  if (route.kind === 'proxy') {
    const dispatcher = new ProxyAgent({
      ...common,
      uri: route.proxy.href,
      connectTimeout: timeoutMillis,
      requestTls: { ...tls, timeout: timeoutMillis },
      proxyTls,
    });
    return { dispatcher, route, proxyUrls: [route.proxy] };
  }
  if (route.kind === 'env') {
    const { http, https } = route.proxies;
    const dispatcher = new EnvHttpProxyAgent({
      ...common,
      ...(http === undefined ? {} : { httpProxy: http.url.href }),
      ...(https === undefined ? {} : { httpsProxy: https.url.href }),
      connectTimeout: timeoutMillis,
      // `connect` serves endpoints reached directly (NO_PROXY), `requestTls` those behind a proxy.
      connect: { ...tls, timeout: timeoutMillis },
      requestTls: { ...tls, timeout: timeoutMillis },
      proxyTls,
    });
    const proxyUrls = [http?.url, https?.url].filter((url) => url !== undefined);
    return { dispatcher, route, proxyUrls };
  }
  return { dispatcher: new Agent({ ...common, connect: { ...tls, timeout: timeoutMillis } }), route, proxyUrls: [] };
}
