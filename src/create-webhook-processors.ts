import type { WebhookOptions, WebhookOverrides } from './config/options.ts';
import { applyOverrides } from './config/overrides.ts';
import { type ConfigSourceOptions, parseWebhookConfig } from './config/read-config.ts';
import { assertUniqueIds, resolveWebhookOptions } from './config/resolve-options.ts';
import { WebhookLogRecordProcessor } from './processor.ts';

/**
 * One processor per enabled webhook, from a configuration's text (Stalwart TOML, every
 * `[webhook."<id>"]` with a `url`, macros expanded; or 0.16 registry WebHook JSON: see
 * `parseWebhookConfig`) or from option objects. Webhooks with `enable = false` are validated
 * but not started. Throws a `WebhookConfigError` on bad configuration, before anything starts.
 *
 * `overrides` sets the code-only options (`selfObsMeterProvider`, `eventType`, `ca`) of every
 * webhook; any other key is an error, since the configuration says it. `source` says where
 * macros and secrets are looked up (`{ env }`).
 */
export function createWebhookProcessors(
  config: string | readonly WebhookOptions[],
  overrides: WebhookOverrides = {},
  source: ConfigSourceOptions = {},
): WebhookLogRecordProcessor[] {
  const parsed = typeof config === 'string' ? parseWebhookConfig(config, source) : config;
  const webhooks = applyOverrides(parsed, overrides);
  assertUniqueIds(webhooks);
  const enabled = webhooks.filter((options) => options.enable !== false);
  // Disabled ones are validated too (TOML ones already were, by parseWebhookConfig).
  for (const options of webhooks) if (options.enable === false) resolveWebhookOptions(options);
  // Validate all before starting any, so a bad second webhook leaves no first one running.
  const processors: WebhookLogRecordProcessor[] = [];
  try {
    for (const options of enabled) processors.push(new WebhookLogRecordProcessor(options));
  } catch (error) {
    for (const processor of processors) void processor.shutdown();
    throw error;
  }
  return processors;
}
