import type { MeterProvider } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResolvedTlsOptions, WebhookTlsOptions } from './tls-option-types.ts';

/** Minimum severity names accepted by `level`. */
export type WebhookLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** HTTP authentication for a webhook: Basic (`username` + `secret`) or Bearer (`token`). */
export interface WebhookAuthOptions {
  /** TOML `auth.username`: user for `Authorization: Basic`. Requires `secret`. */
  username?: string | undefined;
  /** TOML `auth.secret`: password for `Authorization: Basic`. Requires `username`. */
  secret?: string | undefined;
  /** TOML `auth.token`: `Authorization: Bearer <token>`; used when no username/secret is set. */
  token?: string | undefined;
}

/** Which signature headers a webhook's requests carry. */
export type WebhookSignatureScheme = 'stalwart' | 'standard-webhooks';

/** When spooled events are written: once per turn of the event loop, or each before it counts as accepted. */
export type WebhookSpoolSync = 'batch' | 'event';

/**
 * Options of one webhook, the code twin of a Stalwart `[webhook."<id>"]` table.
 *
 * Durations take a number of milliseconds (`*Millis`) or a Stalwart duration string in the
 * key without the suffix (`timeout: "30s"`); giving both is an error.
 */
export interface WebhookOptions {
  /** The `<id>` of `[webhook."<id>"]`; names the webhook in diagnostics. */
  id: string;
  /** TOML `url`: the `http:` or `https:` endpoint that receives POSTed batches. */
  url: string;
  /** TOML `events`: event type patterns (`"*"`, `"auth.*"`, `"*.error"`, exact names, globs, `!exclusions`). */
  events: readonly string[];
  /**
   * TOML `timeout`: per-request timeout in milliseconds.
   * @default 30000
   */
  timeoutMillis?: number | undefined;
  /** TOML `timeout` as a duration string (`"30s"`); alternative to `timeoutMillis`. */
  timeout?: string | undefined;
  /**
   * TOML `throttle`: batching window and minimum gap between requests, in milliseconds.
   * Exporter default 0: the SDK's processor batches already.
   * @default 1000
   */
  throttleMillis?: number | undefined;
  /** TOML `throttle` as a duration string (`"1s"`); alternative to `throttleMillis`. */
  throttle?: string | undefined;
  /**
   * TOML `signature-key`: with the `stalwart` scheme, the HMAC-SHA256 key (its UTF-8 bytes) for
   * the `X-Signature` header; with `standard-webhooks`, a `whsec_…` secret or a list of them
   * (during a key rotation every key signs).
   */
  signatureKey?: string | readonly string[] | undefined;
  /**
   * TOML `signature-scheme`: `stalwart` signs with `X-Signature`; `standard-webhooks` sends
   * `webhook-id` (the same on every retry of a batch), `webhook-timestamp` (of the attempt)
   * and `webhook-signature` (`v1,<base64>` over `id.timestamp.body`). The body is the same.
   * @default "stalwart"
   */
  signatureScheme?: WebhookSignatureScheme | undefined;
  /**
   * TOML `proxy`: an `http:` (or `https:`) forward proxy, `http://user:pass@host:port`;
   * `https:` endpoints are reached through a CONNECT tunnel. Unset: the environment's
   * `HTTP_PROXY` / `HTTPS_PROXY` / `NO_PROXY` when Node runs with `NODE_USE_ENV_PROXY=1`
   * (or `--use-env-proxy`), else direct.
   */
  proxy?: string | undefined;
  /** TOML `[webhook."<id>".tls]`: CA, client certificate, server name and minimum version for `https:` endpoints. */
  tls?: WebhookTlsOptions | undefined;
  /**
   * TOML `headers`: extra request headers, as `"Name: value"` lines or a name → value map.
   * May not set `Content-Type`, `X-Signature`, or `Authorization` when `auth` is set.
   */
  headers?: readonly string[] | Readonly<Record<string, string>> | undefined;
  /**
   * TOML `allow-invalid-certs`: skip TLS certificate verification.
   * @default false
   */
  allowInvalidCerts?: boolean | undefined;
  /** TOML `[webhook."<id>".auth]`: Basic or Bearer authentication. */
  auth?: WebhookAuthOptions | undefined;
  /**
   * TOML `lossy`: drop a batch that failed instead of retrying it.
   * @default false
   */
  lossy?: boolean | undefined;
  /**
   * TOML `discard-after`: events older than this (since accepted) are dropped instead of retried.
   * @default 300000
   */
  discardAfterMillis?: number | undefined;
  /** TOML `discard-after` as a duration string (`"5m"`); alternative to `discardAfterMillis`. */
  discardAfter?: string | undefined;
  /**
   * TOML `enable`: a disabled webhook is validated but not started. Exporter: sends nothing
   * and reports every export as a success.
   * @default true
   */
  enable?: boolean | undefined;
  /** TOML `level`: minimum severity of records sent to this webhook; unset sends every level. */
  level?: WebhookLevel | undefined;
  /**
   * TOML `max-batch-events`: most events in one request.
   * @default 1000
   */
  maxBatchEvents?: number | undefined;
  /**
   * TOML `max-batch-bytes`: most body bytes in one request (a single larger event is sent alone).
   * @default 1048576
   */
  maxBatchBytes?: number | undefined;
  /**
   * TOML `retry-max`: longest wait between two attempts of a failing batch, in milliseconds.
   * Retries back off exponentially (with jitter) from `throttle` up to this; other 4xx answers
   * than 408, 410, 413 and 429 are retried at this interval. Without a throttle the backoff
   * starts from 500 ms. Exporter default 5000.
   * @default 60000
   */
  retryMaxMillis?: number | undefined;
  /** TOML `retry-max` as a duration string (`"1m"`); alternative to `retryMaxMillis`. */
  retryMax?: string | undefined;
  /**
   * TOML `shutdown-timeout`: how long `shutdown()` (and a `forceFlush()` without a deadline of
   * its own) waits for pending events to be delivered, in milliseconds. Exporter: how long
   * `forceFlush()` and `shutdown()` wait for the events of exports in progress.
   * @default 30000
   */
  shutdownTimeoutMillis?: number | undefined;
  /** TOML `shutdown-timeout` as a duration string (`"10s"`); alternative to `shutdownTimeoutMillis`. */
  shutdownTimeout?: string | undefined;
  /**
   * TOML `deliver-on-exit`: when the event loop runs dry (`beforeExit`) with events pending
   * and `shutdown()` was never called, keep the process alive to deliver them, for at most
   * `shutdown-timeout`. Without a spool only: spooled events are safe on disk already.
   * @default true
   */
  deliverOnExit?: boolean | undefined;
  /**
   * TOML `max-queue-events`: most events held in memory for this webhook; beyond it new events
   * are dropped (or, with `lossy`, the oldest non-error events are shed) and counted.
   * @default 100000
   */
  maxQueueEvents?: number | undefined;
  /**
   * TOML `max-queue-bytes`: most serialized event bytes held in memory for this webhook.
   * @default 67108864
   */
  maxQueueBytes?: number | undefined;
  /**
   * TOML `spool-dir`: a directory for a durable, append-only spool. Accepted events are written
   * there first and removed once a 2xx acknowledged them; a restarted process delivers what was
   * left. Unset keeps events in memory only.
   */
  spoolDir?: string | undefined;
  /**
   * TOML `spool-max-bytes`: most bytes of undelivered events kept in the spool; beyond it new
   * events are dropped and counted as overflow. A limit on disk, not in memory: recovered events
   * are read back a batch at a time, so it may be far above `max-queue-bytes`.
   * @default 67108864
   */
  spoolMaxBytes?: number | undefined;
  /**
   * TOML `spool-sync`: when accepted events are written to the spool. `"batch"`: the events
   * accepted in one turn of the event loop are written together (one `write(2)`) when the turn
   * ends, and always before a request carries them; a `kill -9` can lose the events of the turn
   * it interrupts. `"event"`: each event is written before it counts as accepted (one `write(2)`
   * per event); a `kill -9` loses none. Processor only. See docs/spool.md.
   * @default "batch"
   */
  spoolSync?: WebhookSpoolSync | undefined;
  /**
   * TOML `spool-fsync-interval`: also fsync the spool's active file at most this often while
   * events are written, bounding what a power loss can take. Unset: fsync only when a segment
   * file is full, when the spool is opened or compacted, and at shutdown. Processor only.
   */
  spoolFsyncIntervalMillis?: number | undefined;
  /** TOML `spool-fsync-interval` as a duration string (`"1s"`); alternative to `spoolFsyncIntervalMillis`. */
  spoolFsyncInterval?: string | undefined;
  /**
   * Code only: derives the event type of a record that has no `eventName` and no `event.name`
   * attribute. Return `undefined` for records that are not webhook events.
   */
  eventType?: ((record: ReadableLogRecord) => string | undefined) | undefined;
  /** Code only: extra trusted CA certificates (PEM) for `https:` endpoints. */
  ca?: string | readonly string[] | undefined;
  /**
   * Code only: where the webhook reports its own `otel.sdk.*` metrics (records processed,
   * queue size and capacity, records in flight and exported, export durations), named as the
   * SDK's processors and exporters name the option. Unset: no metrics, at no cost.
   */
  selfObsMeterProvider?: MeterProvider | undefined;
}

/** The code-only options: those `createWebhookProcessors` applies to every webhook of a configuration. */
export type WebhookOverrides = Pick<WebhookOptions, 'eventType' | 'ca' | 'selfObsMeterProvider'>;

/** A webhook's options after validation: complete, with every default applied, frozen. */
export interface ResolvedWebhookOptions {
  readonly id: string;
  readonly url: URL;
  readonly events: readonly string[];
  readonly timeoutMillis: number;
  readonly throttleMillis: number;
  /** One key, or with `standard-webhooks` one or more. */
  readonly signatureKey: string | readonly string[] | undefined;
  readonly signatureScheme: WebhookSignatureScheme;
  readonly proxy: URL | undefined;
  readonly tls: ResolvedTlsOptions | undefined;
  /** Header name (as configured) → value, already validated. */
  readonly headers: Readonly<Record<string, string>>;
  readonly allowInvalidCerts: boolean;
  /** Ready-made `Authorization` value, or undefined. */
  readonly authorization: string | undefined;
  readonly authKind: 'none' | 'basic' | 'bearer';
  readonly lossy: boolean;
  readonly discardAfterMillis: number;
  readonly enable: boolean;
  /** OTel severity number of `level`, or 0 (no minimum). */
  readonly minSeverity: number;
  readonly level: WebhookLevel | undefined;
  readonly maxBatchEvents: number;
  readonly maxBatchBytes: number;
  readonly retryMaxMillis: number;
  readonly shutdownTimeoutMillis: number;
  readonly deliverOnExit: boolean;
  readonly maxQueueEvents: number;
  readonly maxQueueBytes: number;
  readonly spoolDir: string | undefined;
  readonly spoolMaxBytes: number;
  readonly spoolSync: WebhookSpoolSync;
  readonly spoolFsyncIntervalMillis: number | undefined;
  readonly eventType: ((record: ReadableLogRecord) => string | undefined) | undefined;
  readonly ca: readonly string[] | undefined;
  readonly selfObsMeterProvider: MeterProvider | undefined;
}

/** Fresh defaults of every optional setting. */
export function defaultWebhookSettings(): {
  timeoutMillis: number;
  throttleMillis: number;
  allowInvalidCerts: boolean;
  lossy: boolean;
  discardAfterMillis: number;
  enable: boolean;
  maxBatchEvents: number;
  maxBatchBytes: number;
  retryMaxMillis: number;
  shutdownTimeoutMillis: number;
  deliverOnExit: boolean;
  maxQueueEvents: number;
  maxQueueBytes: number;
  spoolMaxBytes: number;
  spoolSync: WebhookSpoolSync;
} {
  return {
    timeoutMillis: 30_000,
    throttleMillis: 1_000,
    allowInvalidCerts: false,
    lossy: false,
    discardAfterMillis: 300_000,
    enable: true,
    maxBatchEvents: 1_000,
    maxBatchBytes: 1_048_576,
    retryMaxMillis: 60_000,
    shutdownTimeoutMillis: 30_000,
    deliverOnExit: true,
    maxQueueEvents: 100_000,
    maxQueueBytes: 67_108_864,
    spoolMaxBytes: 67_108_864,
    spoolSync: 'batch',
  };
}
