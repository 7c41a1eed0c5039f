import { WebhookConfigError } from './errors.ts';
import type { WebhookOptions } from './options.ts';

/** Options that only {@link WebhookLogRecordProcessor} can honour, with why and what to use instead. */
const PROCESSOR_ONLY: ReadonlyArray<readonly [readonly string[], string]> = [
  [
    ['throttle', 'throttleMillis'],
    "the SDK's processor batches (scheduledDelayMillis); use WebhookLogRecordProcessor for Stalwart's throttle window",
  ],
  [
    ['maxQueueEvents', 'maxQueueBytes'],
    "the SDK's processor holds the queue (maxQueueSize); use WebhookLogRecordProcessor for a bounded queue of its own",
  ],
  [
    ['spoolDir', 'spoolMaxBytes', 'spoolSync', 'spoolFsyncInterval', 'spoolFsyncIntervalMillis'],
    'the exporter keeps nothing between exports; use WebhookLogRecordProcessor for a durable spool',
  ],
];

/**
 * Throws a `WebhookConfigError` (`ERR_WEBHOOK_UNSUPPORTED_OPTION`) naming the first option
 * given that a `WebhookLogRecordExporter` cannot honour, and why. Options left unset are fine.
 */
export function assertExporterOptions(options: WebhookOptions): void {
  const given = options as unknown as Readonly<Record<string, unknown>>;
  const note = typeof options.id === 'string' && options.id !== '' ? ` (webhook ${JSON.stringify(options.id)})` : '';
  for (const [keys, why] of PROCESSOR_ONLY) {
    const key = keys.find((name) => given[name] !== undefined);
    if (key !== undefined) {
      throw new WebhookConfigError('ERR_WEBHOOK_UNSUPPORTED_OPTION', key, `${key} is not used by WebhookLogRecordExporter: ${why}${note}`);
    }
  }
}
