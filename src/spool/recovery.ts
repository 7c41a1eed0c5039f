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
 * Fits what an earlier process left to the current configuration: events accepted for another
 * destination are set aside (and a warning says how many and where), and of the rest only
 * those `selects` still takes are recovered; the others are counted in `unselected`.
 * Throws on I/O errors.
 */
export function reconcile(
  directory: string,
  contents: SpoolContents,
  options: RecoveryOptions,
): { readonly found: SpoolContents; readonly unselected: number } {
  let found = contents;
  if (options.destination !== undefined) {
    const checked = checkDestination(directory, found, destinationOf(options.destination));
    found = checked.found;
    const aside = checked.setAside;
    if (aside !== undefined) {
      const why = aside.unreadable ? 'its spool.meta cannot be read, so their url is unknown' : 'they were accepted for another url';
      options.log.warn(
        `spool ${directory}: ${aside.events} recovered events were not sent because ${why}; they are kept in ${aside.directory} (see docs/spool.md to deliver them)`,
      );
    }
  }
  const { selects } = options;
  if (selects === undefined) return { found, unselected: 0 };
  const pending = found.pending.filter((event) => selects(event));
  const unselected = found.pending.length - pending.length;
  if (unselected > 0) {
    options.log.info?.(
      `spool ${directory}: ${unselected} recovered events are no longer selected by events or level; dropped (counted as discarded)`,
    );
  }
  return { found: { ...found, pending }, unselected };
}
