import type { Dispatcher } from 'undici';
import type { ResolvedWebhookOptions } from '../config/options.ts';
import { redactUrl } from '../config/redact.ts';
import { classifyResponse, type DeliveryResult } from './classify-response.ts';
import { createDispatcher } from './dispatcher.ts';
import { hideCredentials } from './hide-credentials.ts';
import { VERSION } from './version.ts';

/** Sends request bodies to one webhook endpoint. */
export interface WebhookTransport {
  /**
   * POSTs one body with the signature headers of this attempt (lower-case names, see
   * signer.ts); never throws or rejects; resolves with a DeliveryResult.
   */
  send(body: Uint8Array, signatureHeaders?: Readonly<Record<string, string>>): Promise<DeliveryResult>;
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
  /** Aborts the request. */
  readonly stop: () => void;
  readonly done: Promise<DeliveryResult>;
}

/** Why a request was aborted: its deadline passed, the transport was destroyed, or the response body was longer than is read. */
const TIMED_OUT = new Error('request timed out');
const DESTROYED = new Error('transport destroyed');
const BODY_TOO_LARGE = new Error('response body too large');

function retryable(message: string, capped = false): DeliveryResult {
  return {
    status: 'retryable',
    statusCode: undefined,
    retryAfterMillis: undefined,
    capped,
    message,
  };
}

/** undici's words for a proxy refusing a tunnel or a request: `Proxy response (407) !== 200 …`. */
const PROXY_REFUSAL = /^Proxy response \((\d{3})\)|^Proxy Authentication Required \((\d{3})\)/;

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

/** A short, secret-free description of why a request got no response. */
function describeError(error: unknown, urls: readonly URL[]): string {
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
  const refusal = PROXY_REFUSAL.exec(message);
  if (refusal !== null)
    message = `proxy answered ${refusal[1] ?? refusal[2]}${refusal[0].includes('407') ? ' (proxy authentication required)' : ''}`;
  // Node appends advice after "; " to certificate errors; the reason alone is enough here.
  else if (CERTIFICATE_ERROR.test(code)) message = `certificate: ${message.split('; ')[0]}`;
  else if (code.startsWith('ERR_SSL_')) message = `tls: ${sslReason(current) ?? code}`;
  else if (code === 'UND_ERR_SOCKET') message = `socket: ${message}`;
  else if (code === 'UND_ERR_PRX_CONN' || code === 'UND_ERR_PRX_TLS') message = `proxy: ${message}`;
  return hideCredentials(message.replace(/\s+/g, ' ').trim(), urls).slice(0, MAX_MESSAGE_LENGTH);
}

/** OpenSSL's short reason (`tlsv1 alert protocol version`) of a TLS error, without its source location. */
function sslReason(error: unknown): string | undefined {
  const reason = typeof error === 'object' && error !== null && 'reason' in error ? error.reason : undefined;
  return typeof reason === 'string' && reason !== '' ? reason : undefined;
}

/**
 * A transport for one webhook: one kept-alive connection (through the webhook's proxy or the
 * environment's, when there is one), headers computed once, a per-request deadline covering
 * connect, response headers and response body, and redirects never followed. Throws a
 * `WebhookConfigError` when an environment proxy URL is not valid.
 */
export function createTransport(options: ResolvedWebhookOptions): WebhookTransport {
  const { url, timeoutMillis } = options;
  const origin = url.origin;
  const path = `${url.pathname}${url.search}`;
  const headers = staticHeaders(options);
  const { dispatcher: agent, proxyUrls, route } = createDispatcher(options);
  const secretUrls = [url, ...proxyUrls];
  // Network errors name the webhook's own proxy, so that a proxy problem is told from an endpoint one.
  const through = route.kind === 'proxy' ? ` (through proxy ${redactUrl(route.proxy)})` : '';
  const inFlight = new Set<InFlight>();
  /**
   * `open` → `closed` by close() (requests in flight finish; new ones are refused) →
   * `destroyed` by destroy() (requests in flight are aborted), also straight from `open`.
   */
  let state: 'open' | 'closed' | 'destroyed' = 'open';
  let closing: Promise<void> | undefined;
  let destroying: Promise<void> | undefined;

  /** The result of an attempt that got no response: timed out, transport destroyed, or `error`. */
  function noResponse(error: unknown, timedOut: boolean): DeliveryResult {
    if (timedOut) return retryable(`timed out after ${timeoutMillis} ms`);
    if (state === 'destroyed') return retryable('transport closed');
    const message = describeError(error, secretUrls);
    // A proxy refusing the credentials is a configuration problem, retried like other 4xx.
    if (message.startsWith('proxy answered')) return retryable(message, message.startsWith('proxy answered 407'));
    return retryable(hideCredentials(`${message}${through}`, secretUrls).slice(0, MAX_MESSAGE_LENGTH));
  }

  /**
   * One POST, through undici's `dispatch` with a handler of our own: the response's status and
   * `Retry-After` are kept, its body read and thrown away up to {@link DUMP_LIMIT_BYTES} (the
   * connection is dropped beyond that), and once the headers are in, the status is the answer
   * even when the body does not arrive in time. `stop()` aborts it (destroy). Never rejects.
   */
  function attempt(body: Uint8Array, signatureHeaders: Readonly<Record<string, string>> | undefined): InFlight {
    const { promise: done, resolve: resolveDone } = Promise.withResolvers<DeliveryResult>();
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let retryAfter: string | undefined;
    let received = 0;
    let settled = false;
    let abortedFor: Error | undefined;
    const finish = (result: DeliveryResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveDone(result);
    };
    const answered = (): void => finish(classifyResponse(statusCode, retryAfter, Date.now()));
    const failed = (error: unknown): void => finish(noResponse(error, abortedFor === TIMED_OUT));
    const abort = (reason: Error): void => {
      abortedFor ??= reason;
      // Before the connection is there, undici has not started the request: it is aborted once it does.
      controller?.abort(reason);
    };
    const timer = setTimeout(() => abort(TIMED_OUT), timeoutMillis);
    timer.unref();
    const requestHeaders: Record<string, string> = {
      ...headers,
      ...signatureHeaders,
      'content-length': String(body.byteLength),
    };
    try {
      agent.dispatch(
        { origin, path, method: 'POST', headers: requestHeaders, body },
        {
          onRequestStart(started) {
            controller = started;
            if (abortedFor !== undefined) started.abort(abortedFor);
          },
          onResponseStart(_controller, code, responseHeaders) {
            // 1xx: informational, the answer is still to come.
            if (code < 200) return;
            statusCode = code;
            retryAfter = firstHeader(responseHeaders['retry-after']);
          },
          onResponseData(current, chunk) {
            received += chunk.length;
            if (received <= DUMP_LIMIT_BYTES) return;
            answered();
            current.abort(BODY_TOO_LARGE);
          },
          onResponseEnd() {
            answered();
          },
          onResponseError(_controller, error) {
            if (statusCode > 0) answered();
            else failed(error);
          },
        },
      );
    } catch (error) {
      failed(error);
    }
    return { stop: () => abort(DESTROYED), done };
  }

  return {
    send(body, signatureHeaders) {
      if (state !== 'open') return Promise.resolve(retryable('transport closed'));
      const entry = attempt(body, signatureHeaders);
      inFlight.add(entry);
      return entry.done.then((result) => {
        inFlight.delete(entry);
        return result;
      });
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
        for (const entry of inFlight) entry.stop();
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
