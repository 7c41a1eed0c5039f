import { readFile } from 'node:fs/promises';
import type { ConfigFormat } from '../config/detect-format.ts';
import { WebhookConfigError } from '../config/errors.ts';
import type { WebhookOptions } from '../config/options.ts';
import { readWebhookConfig } from '../config/read-config.ts';
import { assertUniqueIds } from '../config/resolve-options.ts';
import type { ValueSource } from '../config/sources.ts';
import { CliError, systemMessage } from './errors.ts';

/** A config file read and parsed: its text, its form, its webhooks and where values from outside the file came from. */
export interface LoadedConfig {
  readonly path: string;
  readonly text: string;
  readonly format: ConfigFormat;
  readonly webhooks: readonly WebhookOptions[];
  /** By webhook id. */
  readonly sources: ReadonlyMap<string, readonly ValueSource[]>;
}

/**
 * `config.toml:LINE: webhook."x".key: message`: a config error as compilers print theirs,
 * with the line in front instead of the message's own `(line N)` note.
 */
export function formatConfigError(path: string, error: WebhookConfigError): string {
  let message = error.message;
  if (error.line !== undefined) message = message.replace(new RegExp(` \\(line ${error.line}\\)$`), '');
  if (error.key !== '' && !message.startsWith(error.key)) message = `${error.key}: ${message}`;
  return `${path}${error.line === undefined ? '' : `:${error.line}`}: ${message}`;
}

/** Best-effort line of a pattern: its first quoted occurrence at or after the webhook's table. */
export function patternLine(lines: readonly string[], id: string, pattern: string): number | undefined {
  const table = lines.findIndex((line) => line.includes(`webhook.${JSON.stringify(id)}`) || line.includes(`webhook.${id}`));
  const quoted = [JSON.stringify(pattern), `'${pattern}'`];
  for (let index = Math.max(0, table); index < lines.length; index++) {
    if (quoted.some((text) => lines[index]?.includes(text))) return index + 1;
  }
  return undefined;
}

/**
 * Reads a config file (Stalwart TOML or 0.16 registry JSON) and validates its webhooks. An unreadable file, or a config
 * error (formatted by {@link formatConfigError}), becomes a {@link CliError}.
 */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${systemMessage(error)}`);
  }
  try {
    const { format, webhooks, sources } = readWebhookConfig(text);
    assertUniqueIds(webhooks);
    return { path, text, format, webhooks, sources };
  } catch (error) {
    if (error instanceof WebhookConfigError) throw new CliError(formatConfigError(path, error), true);
    throw error;
  }
}
