import type { WebhookEvent } from '../records/event.ts';
import type { SpoolContents } from './segments.ts';
import { checkDestination, destinationOf } from './spool-meta.ts';

/** What recovery needs of the spool's options. */
export interface RecoveryOptions {
  readonly log: { warn(message: string): void; info?(message: string): void };
  readonly destination?: URL;
  readonly selects?: (event: WebhookEvent) => boolean;
}

/**
 * Fits what an earlier process left to the current destination: events accepted for another
 * one are set aside (and a warning says how many and where). Which of the rest the current
 * configuration still selects is decided as they are read back. Throws on I/O errors.
 */
export function reconcile(directory: string, contents: SpoolContents, options: RecoveryOptions): SpoolContents {
  if (options.destination === undefined) return contents;
  const checked = checkDestination(directory, contents, destinationOf(options.destination));
  const aside = checked.setAside;
  if (aside !== undefined) {
    const why = aside.unreadable ? 'its spool.meta cannot be read, so their url is unknown' : 'they were accepted for another url';
    options.log.warn(
      `spool ${directory}: ${aside.events} recovered events were not sent because ${why}; they are kept in ${aside.directory} (see docs/spool.md to deliver them)`,
    );
  }
  return checked.found;
}
