/** Stable machine codes of {@link WebhookConfigError}. */
export type WebhookConfigErrorCode =
  | 'ERR_WEBHOOK_TOML'
  | 'ERR_WEBHOOK_MISSING_KEY'
  | 'ERR_WEBHOOK_INVALID_TYPE'
  | 'ERR_WEBHOOK_INVALID_VALUE'
  | 'ERR_WEBHOOK_INVALID_URL'
  | 'ERR_WEBHOOK_INVALID_DURATION'
  | 'ERR_WEBHOOK_INVALID_HEADER'
  | 'ERR_WEBHOOK_RESERVED_HEADER'
  | 'ERR_WEBHOOK_INVALID_PATTERN'
  | 'ERR_WEBHOOK_UNKNOWN_KEY'
  /** An option where it does not apply: a configuration option (or `env`) in `createWebhookProcessors` overrides. */
  | 'ERR_WEBHOOK_UNSUPPORTED_OPTION'
  | 'ERR_WEBHOOK_DUPLICATE_ID'
  | 'ERR_WEBHOOK_MACRO'
  | 'ERR_WEBHOOK_JSON'
  | 'ERR_WEBHOOK_SECRET';

/**
 * A configuration problem, found when the configuration is read, never later.
 * `key` is the full key path (`webhook."ops".timeout`); the message names the key and the
 * offending value, except for secrets, whose values are never shown.
 */
export class WebhookConfigError extends Error {
  override readonly name = 'WebhookConfigError';
  readonly code: WebhookConfigErrorCode;
  readonly key: string;
  /** 1-based line in the TOML source, when known. */
  readonly line: number | undefined;

  constructor(code: WebhookConfigErrorCode, key: string, message: string, line?: number) {
    super(message);
    this.code = code;
    this.key = key;
    this.line = line;
  }
}
