import { type ConfigFormat, detectFormat } from './detect-format.ts';
import type { Environment } from './document-macros.ts';
import type { WebhookOptions } from './options.ts';
import { parseRegistryWebhooks } from './registry-json.ts';
import { attachSources, type ValueSource } from './sources.ts';
import { parseToml, parseTomlWebhooks } from './toml.ts';
import { expandTomlMacros, hideMacroValues } from './toml-macros.ts';

/** Where a configuration's macros and secrets are looked up. */
export interface ConfigSourceOptions {
  /**
   * Environment variables for `%{env:…}%` macros and `EnvironmentVariable` secrets.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** A configuration read: its form, its webhooks, and where values from outside the file came from. */
export interface ReadWebhookConfig {
  readonly format: ConfigFormat;
  readonly webhooks: WebhookOptions[];
  /** By webhook id: the settings whose values came from macros or registry secrets (names only). */
  readonly sources: ReadonlyMap<string, readonly ValueSource[]>;
}

/**
 * Reads a webhook configuration of either form, told apart by content: Stalwart TOML (≤ 0.15),
 * its `%{env:…}%`, `%{file:…}%` and `%{cfg:…}%` macros expanded, or 0.16 registry WebHook JSON.
 */
export function readWebhookConfig(text: string, options: ConfigSourceOptions = {}): ReadWebhookConfig {
  const env: Environment = options.env ?? process.env;
  const format = detectFormat(text);
  let webhooks: WebhookOptions[];
  let sources: ReadonlyMap<string, readonly ValueSource[]>;
  if (format === 'json') {
    ({ webhooks, sources } = parseRegistryWebhooks(text, env));
  } else {
    const expansion = expandTomlMacros(parseToml(text), text, env);
    try {
      webhooks = parseTomlWebhooks(text, expansion.root);
    } catch (error) {
      throw hideMacroValues(error, expansion);
    }
    sources = expansion.sources;
  }
  for (const webhook of webhooks) attachSources(webhook, sources.get(webhook.id) ?? []);
  return { format, webhooks, sources };
}

/**
 * Reads the webhooks of a configuration, in either form (told apart by content):
 *
 * - Stalwart TOML (≤ 0.15): every `[webhook."<id>"]` table with a `url`; other tables are
 *   ignored. Macros (`%{env:NAME}%`, `%{file:PATH}%`, `%{cfg:key.path}%`) are expanded as
 *   Stalwart expands them, except that a failure is an error and a file loses its trailing
 *   line endings.
 * - Stalwart 0.16 registry JSON: one WebHook object, an array of them, a JMAP `x:WebHook/get`
 *   response, or the NDJSON lines of `stalwart-cli snapshot WebHook`. Secrets given as
 *   `EnvironmentVariable` or `File` are read now.
 *
 * Each webhook is validated as `resolveWebhookOptions` would, with errors naming the key path
 * (and line) and the value, except values that are secrets or came from a macro, which are
 * never shown. Durations come back as `*Millis`.
 */
export function parseWebhookConfig(text: string, options: ConfigSourceOptions = {}): WebhookOptions[] {
  return readWebhookConfig(text, options).webhooks;
}
