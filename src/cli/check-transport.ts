import { X509Certificate } from 'node:crypto';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import { redactUrl } from '../config/redact.ts';
import type { ResolvedTlsOptions } from '../config/tls-option-types.ts';
import { routeFor } from '../http/dispatcher.ts';

/** How a webhook signs its requests, for `check`. */
export function describeSigning(options: ResolvedWebhookOptions): string {
  const key = options.signatureKey;
  if (key === undefined) return 'none (requests are not signed)';
  if (options.signatureScheme === 'stalwart') return 'HMAC-SHA256 in X-Signature';
  const count = typeof key === 'string' ? 1 : key.length;
  const keys = count === 1 ? '' : `, ${count} keys (each signs: rotation)`;
  return `Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature${keys}`;
}

/** `http://***@proxy:3128/ (https: endpoints through a CONNECT tunnel)`, or undefined when requests go direct. */
export function describeProxy(options: ResolvedWebhookOptions, env: NodeJS.ProcessEnv): string | undefined {
  const route = routeFor(options, env);
  const how = options.url.protocol === 'https:' ? 'through a CONNECT tunnel' : 'forwarded by the proxy';
  if (route.kind === 'direct') return undefined;
  if (route.kind === 'proxy') return `${redactUrl(route.proxy)} (${how})`;
  const proxy = options.url.protocol === 'https:' ? route.proxies.https : route.proxies.http;
  const noProxy = route.proxies.noProxy;
  const bypass = noProxy === undefined ? '' : `, unless ${noProxy.variable}=${JSON.stringify(noProxy.value)} matches`;
  if (proxy === undefined) return undefined;
  return `${redactUrl(proxy.url)} from ${proxy.variable} (NODE_USE_ENV_PROXY is on; ${how}${bypass})`;
}

/** `CN=client, valid until 2126-11-07` for the first certificate of a PEM text. */
function certificateSummary(pem: string): string {
  try {
    const certificate = new X509Certificate(pem);
    const subject = certificate.subject.split('\n').join(', ');
    return `${subject}, valid until ${new Date(certificate.validTo).toISOString().slice(0, 10)}`;
  } catch {
    return 'unreadable';
  }
}

function source(file: string | undefined, option: string): string {
  return file === undefined ? `${option} inline` : `${option}-file ${file}`;
}

/** The TLS settings as lines for `check` (never the private key). */
export function describeTls(tls: ResolvedTlsOptions | undefined): string[] {
  if (tls === undefined) return [];
  const lines: string[] = [];
  if (tls.ca !== undefined) {
    const count = tls.ca.join('\n').match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
    lines.push(`trusts ${count} extra CA certificate${count === 1 ? '' : 's'} beside Node's (${source(tls.caFile, 'ca')})`);
  }
  if (tls.cert !== undefined) {
    lines.push(`client certificate ${certificateSummary(tls.cert)} (${source(tls.certFile, 'cert')}, ${source(tls.keyFile, 'key')})`);
  }
  if (tls.serverName !== undefined) lines.push(`server name ${tls.serverName} (SNI and certificate check)`);
  if (tls.minVersion !== undefined) lines.push(`${tls.minVersion} or newer`);
  return lines;
}
