/** Stable machine codes of {@link WebhookSpoolError}. */
export type WebhookSpoolErrorCode = 'ERR_WEBHOOK_SPOOL_LOCKED' | 'ERR_WEBHOOK_SPOOL_IO';

/**
 * A spool directory that cannot be used: another live process holds it
 * (`ERR_WEBHOOK_SPOOL_LOCKED`), or it cannot be created, read or written (`ERR_WEBHOOK_SPOOL_IO`).
 * Raised only when a spool is opened; a running spool reports problems through its log.
 */
export class WebhookSpoolError extends Error {
  override readonly name = 'WebhookSpoolError';
  readonly code: WebhookSpoolErrorCode;
  /** The spool directory, as an absolute path. */
  readonly directory: string;

  constructor(code: WebhookSpoolErrorCode, directory: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.directory = directory;
  }
}
