import { WebhookConfigError } from './errors.ts';
import { didYouMean, OPTION_KEYS, OVERRIDE_KEYS } from './known-options.ts';
import type { WebhookOptions } from './options.ts';
import { isRecord, show } from './place.ts';
import { attachSources, sourcesOf } from './sources.ts';

/**
 * The webhooks with the code-only options of `overrides` (`selfObsMeterProvider`,
 * `eventType`, `ca`) set on each. Any other key is an error naming it: a configuration
 * option there would silently fight the configuration, and `{ env }` belongs in the third
 * argument of `createWebhookProcessors`. So is an override of an option a webhook's own
 * options set already. The values are validated with each webhook's options.
 */
export function applyOverrides(webhooks: readonly WebhookOptions[], overrides: unknown): WebhookOptions[] {
  if (!isRecord(overrides)) {
    throw new WebhookConfigError(
      'ERR_WEBHOOK_INVALID_TYPE',
      'overrides',
      `overrides must be an object of code-only options, got ${show(overrides)}`,
    );
  }
  for (const key of Object.keys(overrides)) {
    if (OVERRIDE_KEYS.includes(key)) continue;
    const where = `overrides.${key}`;
    if (key === 'env') {
      throw new WebhookConfigError('ERR_WEBHOOK_UNSUPPORTED_OPTION', where, `${where}: not an option; give { env } as the third argument`);
    }
    if (OPTION_KEYS.includes(key)) {
      throw new WebhookConfigError(
        'ERR_WEBHOOK_UNSUPPORTED_OPTION',
        where,
        `${where}: only code-only options (${OVERRIDE_KEYS.join(', ')}) can be overridden; set ${key} in the configuration`,
      );
    }
    throw new WebhookConfigError('ERR_WEBHOOK_UNKNOWN_KEY', where, `${where}: unknown option${didYouMean(key, OVERRIDE_KEYS)}`);
  }
  const given = Object.entries(overrides).filter(([, value]) => value !== undefined);
  if (given.length === 0) return [...webhooks];
  return webhooks.map((webhook) => {
    for (const [key] of given) {
      if ((webhook as unknown as Readonly<Record<string, unknown>>)[key] === undefined) continue;
      const where = `overrides.${key}`;
      throw new WebhookConfigError(
        'ERR_WEBHOOK_INVALID_VALUE',
        where,
        `${where}: webhook ${JSON.stringify(webhook.id)} sets ${key} in its own options already; set it in one place`,
      );
    }
    return attachSources({ ...webhook, ...Object.fromEntries(given) }, sourcesOf(webhook));
  });
}
