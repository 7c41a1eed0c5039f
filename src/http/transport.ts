import { getCACertificates } from 'node:tls';
import { Agent } from 'undici';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import { redactUrl } from '../config/redact.ts';
import { classifyResponse, type DeliveryResult } from './classify-response.ts';
import { VERSION } from './version.ts';

/** Sends request bodies to one webhook endpoint. */
export interface WebhookTransport {
  /** POSTs one body; never throws or rejects; resolves with a DeliveryResult. */
  send(body: Uint8Array, signature: string | undefined): Promise<DeliveryResult>;
  /** Graceful: waits for in-flight requests, then closes connections. */
  close(): Promise<void>;
  /** Aborts in-flight requests and closes connections now. */
  destroy(): Promise<void>;
}

/** Most response body bytes read and thrown away before the connection is dropped instead. */
const DUMP_LIMIT_BYTES = 128 * 1024;

/** Longest network error message passed on; the rest is cut. */
const MAX_MESSAGE_LENGTH = 200;

/** Node TLS error codes that mean the server's certificate was not accepted. */
const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME|HOSTNAME_MISMATCH/;

interface InFlight {
  readonly controller: AbortController;
  readonly done: Promise<DeliveryResult>;
}

function retryable(message: string): DeliveryResult {
  return {
    status: 'retryable',
    statusCode: undefined,
    retryAfterMillis: undefined,
    capped: false,
    message,
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The headers every request of this webhook carries, keyed by lower-case name. */
function staticHeaders(options: ResolvedWebhookOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `otel-webhook-exporter/${VERSION}`,
  };
  if (options.authorization !== undefined) headers['authorization'] = options.authorization;
  for (const [name, value] of Object.entries(options.headers)) {
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Trusted roots: Node's defaults plus the configured extra CA certificates. */
function trustedCertificates(options: ResolvedWebhookOptions): string[] | undefined {
  if (options.ca === undefined || options.ca.length === 0) return undefined;
  return [...getCACertificates('default'), ...options.ca];
}

/** A short, secret-free description of why a request got no response. */
function describeError(error: unknown, url: URL): string {
  let current: unknown = error;
  // AggregateError (several addresses tried) and wrapped errors carry the cause inside.
  for (let depth = 0; depth < 4; depth++) {
    if (current instanceof AggregateError && current.errors.length > 0 && current.message === '') {
      current = current.errors[0];
    } else if (current instanceof Error && current.message === '' && current.cause !== undefined) {
      current = current.cause;
    } else {
      break;
    }
  }
  const code = typeof current === 'object' && current !== null && 'code' in current ? String(current.code) : '';
  let message = current instanceof Error ? current.message : String(current);
  if (message === '') message = code !== '' ? code : 'request failed';
  // Node appends advice after "; " to certificate errors; the reason alone is enough here.
  if (CERTIFICATE_ERROR.test(code)) message = `certificate: ${message.split('; ')[0]}`;
  else if (code === 'UND_ERR_SOCKET') message = `socket: ${message}`;
  return hideCredentials(message.replace(/\s+/g, ' ').trim(), url).slice(0, MAX_MESSAGE_LENGTH);
}

function hideCredentials(message: string, url: URL): string {
  let result = message.replaceAll(url.href, redactUrl(url));
  for (const secret of [url.password, url.username]) {
    if (secret !== '') result = result.replaceAll(secret, '***');
  }
  return result;
}

/**
 * A transport for one webhook: one kept-alive connection, headers computed once, a
 * per-request deadline covering connect, response headers and response body, and redirects
 * never followed.
 */
export function createTransport(options: ResolvedWebhookOptions): WebhookTransport {
  const { url, timeoutMillis } = options;
  const origin = url.origin;
  const path = `${url.pathname}${url.search}`;
  const headers = staticHeaders(options);
  const ca = trustedCertificates(options);
  const agent = new Agent({
    connect: {
      rejectUnauthorized: !options.allowInvalidCerts,
      timeout: timeoutMillis,
      ...(ca === undefined ? {} : { ca }),
    },
    // One request at a time per webhook: one connection, kept alive between requests.
    connections: 1,
    headersTimeout: timeoutMillis,
    bodyTimeout: timeoutMillis,
  });
  const inFlight = new Set<InFlight>();
  /**
   * `open` → `closed` by close() (requests in flight finish; new ones are refused) →
   * `destroyed` by destroy() (requests in flight are aborted), also straight from `open`.
   */
  let state: 'open' | 'closed' | 'destroyed' = 'open';
  let closing: Promise<void> | undefined;
  let destroying: Promise<void> | undefined;

  async function attempt(body: Uint8Array, signature: string | undefined, controller: AbortController): Promise<DeliveryResult> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMillis);
    timer.unref();
    const requestHeaders: Record<string, string> = {
      ...headers,
      'content-length': String(body.byteLength),
    };
    if (signature !== undefined) requestHeaders['x-signature'] = signature;
    try {
      const response = await agent.request({
        origin,
        path,
        method: 'POST',
        headers: requestHeaders,
        body,
        signal: controller.signal,
      });
      const retryAfter = firstHeader(response.headers['retry-after']);
      try {
        await response.body.dump({ limit: DUMP_LIMIT_BYTES, signal: controller.signal });
      } catch {
        // The status is the receiver's answer even when its body does not arrive in time.
      }
      return classifyResponse(response.statusCode, retryAfter, Date.now());
    } catch (error) {
      if (timedOut) return retryable(`timed out after ${timeoutMillis} ms`);
      if (state === 'destroyed') return retryable('transport closed');
      return retryable(describeError(error, url));
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    send(body, signature) {
      if (state !== 'open') return Promise.resolve(retryable('transport closed'));
      const controller = new AbortController();
      const done = attempt(body, signature, controller);
      const entry: InFlight = { controller, done };
      inFlight.add(entry);
      return done.finally(() => inFlight.delete(entry));
    },

    close() {
      if (state === 'open') state = 'closed';
      closing ??= (async () => {
        await Promise.allSettled([...inFlight].map((entry) => entry.done));
        if (destroying !== undefined) return;
        try {
          await agent.close();
        } catch {
          // Destroyed meanwhile: the connections are gone either way.
        }
      })();
      return destroying ?? closing;
    },

    destroy() {
      state = 'destroyed';
      destroying ??= (async () => {
        for (const entry of inFlight) entry.controller.abort();
        try {
          await agent.destroy();
        } catch {
          // Nothing left to release.
        }
        await Promise.allSettled([...inFlight].map((entry) => entry.done));
      })();
      return destroying;
    },
  };
}
