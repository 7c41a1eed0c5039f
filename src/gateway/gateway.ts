import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { WebhookLogRecordProcessor } from '../processor.ts';
import { bearerChecker } from './auth.ts';
import { GatewayCounters, type GatewayStats, type RequestInfo } from './gateway-stats.ts';
import { handleLogs, type LogsContext, type LogsOutcome } from './handle-logs.ts';
import { otlpSchema } from './otlp-schema.ts';
import type { Busy } from './room.ts';

/** Where and how the gateway listens, and what it feeds. */
export interface GatewayOptions {
  /** The webhooks every record goes through, as an application's LoggerProvider would have them. */
  readonly processors: readonly WebhookLogRecordProcessor[];
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
  /** Default 4318 (the OTLP/HTTP port); 0 picks a free one. */
  readonly port?: number | undefined;
  /** Largest body taken, as sent and once decompressed; default 16 MiB. */
  readonly maxBodyBytes?: number | undefined;
  /** Require `Authorization: Bearer <token>` on /v1/logs. */
  readonly token?: string | undefined;
  /** Serve HTTPS; with `clientCa`, every client must present a certificate it signed (mTLS). */
  readonly tls?:
    | { readonly cert: string | Buffer; readonly key: string | Buffer; readonly clientCa?: string | Buffer | undefined }
    | undefined;
  /** Request bodies read or decoded at once; more are answered 503 (default 16). */
  readonly maxConcurrentRequests?: number | undefined;
  /** Called after each request has been answered. */
  readonly onRequest?: ((info: RequestInfo) => void) | undefined;
}

/** A running gateway. */
export interface Gateway {
  /** `http://host:port` or `https://…`, where the OTLP exporter's logs endpoint is `${url}/v1/logs`. */
  readonly url: string;
  readonly port: number;
  /** True while /v1/logs takes records: not shutting down, and some webhook still running. */
  ready(): boolean;
  stats(): GatewayStats;
  /**
   * Stops taking records (503 with Retry-After from then on), lets each webhook deliver what
   * it holds within its shutdown-timeout (what a spool holds stays there), then closes the
   * server. Safe to call more than once.
   */
  shutdown(): Promise<void>;
}

export const DEFAULT_PORT = 4318;
export const DEFAULT_MAX_BODY_BYTES: number = 16 * 1024 * 1024;
const DEFAULT_MAX_CONCURRENT = 16;
/** Retry-After while shutting down: long enough for a restart, or for a load balancer to move on. */
const SHUTDOWN_RETRY_AFTER_SECONDS = 5;

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function remoteOf(req: IncomingMessage): string {
  const { remoteAddress, remotePort } = req.socket;
  return remoteAddress === undefined ? 'unknown' : `${remoteAddress.includes(':') ? `[${remoteAddress}]` : remoteAddress}:${remotePort}`;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts an OTLP/HTTP logs receiver that hands every record to `processors`; resolves once it listens. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  otlpSchema(); // loaded now, so that missing .proto files fail the start, not the first request
  const { processors, onRequest } = options;
  const counters = new GatewayCounters();
  let closing: Promise<void> | undefined;
  const stopped = (): boolean => processors.every((processor) => processor.stats().state !== 'running');
  const unavailable = (): Busy | undefined => {
    if (closing !== undefined)
      return { status: 503, retryAfterSeconds: SHUTDOWN_RETRY_AFTER_SECONDS, message: 'the gateway is shutting down' };
    if (stopped()) return { status: 503, retryAfterSeconds: 60, message: 'every webhook is stopped (its endpoint answered 410 Gone)' };
    return undefined;
  };
  const context: LogsContext = {
    processors,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    authorize: options.token === undefined ? undefined : bearerChecker(options.token),
    unavailable,
    active: 0,
    maxActive: options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT,
  };

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<LogsOutcome | undefined> {
    const method = req.method ?? '';
    if (path === '/healthz' || path === '/readyz') {
      if (method !== 'GET' && method !== 'HEAD') text(res, 405, 'use GET\n', { allow: 'GET, HEAD' });
      else if (path === '/healthz') text(res, 200, 'ok\n');
      else {
        const why = unavailable();
        text(res, why === undefined ? 200 : 503, why === undefined ? 'ready\n' : `not ready: ${why.message}\n`);
      }
      return undefined;
    }
    if (path !== '/v1/logs') {
      text(res, 404, 'not found: logs go to POST /v1/logs\n');
      return undefined;
    }
    if (method !== 'POST') {
      text(res, 405, 'use POST\n', { allow: 'POST' });
      return undefined;
    }
    return handleLogs(context, req, res);
  }

  const onRequestEvent = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    route(req, res, path)
      .catch((error: unknown) => {
        // A bug, not the client's fault: answered 500 without details.
        if (!res.headersSent) text(res, 500, 'internal error\n');
        else res.destroy();
        return { message: `internal error: ${error instanceof Error ? error.message : String(error)}` } as Partial<LogsOutcome>;
      })
      .then((outcome) => {
        const info: RequestInfo = {
          method: req.method ?? '',
          path,
          status: res.statusCode,
          encoding: outcome?.encoding,
          gzip: outcome?.gzip ?? false,
          bytes: outcome?.bytes ?? 0,
          records: outcome?.records ?? 0,
          selected: outcome?.selected ?? 0,
          rejected: outcome?.rejected ?? 0,
          millis: performance.now() - started,
          remote: remoteOf(req),
          message: outcome?.message,
        };
        counters.count(info);
        onRequest?.(info);
      });
  };

  const tls = options.tls;
  const server: Server =
    tls === undefined
      ? createHttpServer(onRequestEvent)
      : createHttpsServer(
          {
            cert: tls.cert,
            key: tls.key,
            ...(tls.clientCa === undefined ? {} : { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }),
          },
          onRequestEvent,
        );
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? DEFAULT_PORT, host);
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  async function close(): Promise<void> {
    await Promise.all(processors.map((processor) => processor.shutdown()));
    // Requests still being read are answered 503 when they are done; give them a moment.
    const deadline = performance.now() + 1000;
    while (context.active > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 200).unref();
    });
  }

  return {
    url: `${tls === undefined ? 'http' : 'https'}://${shownHost}:${port}`,
    port,
    ready: () => unavailable() === undefined,
    stats: () => counters.snapshot(),
    shutdown: () => {
      closing ??= close();
      return closing;
    },
  };
}
