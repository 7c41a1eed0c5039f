import type { WebhookOptions } from './options.ts';

/**
 * A setting whose value came from outside the file: a TOML macro (`%{env:HOOK_KEY}%`) or a
 * registry secret (`EnvironmentVariable`, `File`). Such values are secrets: only where they
 * came from is ever shown.
 */
export interface ValueSource {
  /** The code option it sets: `url`, `signatureKey`, `auth.token`, `headers`, `events`… */
  readonly option: string;
  /** For a list (`headers`, `events`), the element. */
  readonly index: number | undefined;
  /** The key as the configuration names it: `webhook."ops".headers[1]`, `WebHook."x".signatureKey`. */
  readonly key: string;
  /** Where the value came from, names only: `%{env:HOOK_KEY}%`, `environment variable "HOOK_KEY"`. */
  readonly from: readonly string[];
  /** How many leading characters of the value were written literally (for a header, whether its name was). */
  readonly literalPrefix: number;
}

const SOURCES: unique symbol = Symbol.for('otel-webhook-exporter.sources');

type WithSources = WebhookOptions & { [SOURCES]?: readonly ValueSource[] };

/** Records on `options` (not enumerable, so equality and copies by spread ignore it) where its values came from. */
export function attachSources(options: WebhookOptions, sources: readonly ValueSource[]): WebhookOptions {
  if (sources.length > 0) Object.defineProperty(options, SOURCES, { value: Object.freeze([...sources]), enumerable: false });
  return options;
}

/** Where the values of `options` came from, as recorded by {@link attachSources}; empty for plain options. */
export function sourcesOf(options: WebhookOptions): readonly ValueSource[] {
  return (options as WithSources)[SOURCES] ?? [];
}

/** The source of an option (of one element of a list option), if it did not come from the file. */
export function sourceOf(sources: readonly ValueSource[], option: string, index?: number): ValueSource | undefined {
  return sources.find((source) => source.option === option && (index === undefined || source.index === index));
}

/** `from %{env:HOOK_URL}%`: what to show instead of a value that came from outside the file. */
export function describeSource(source: ValueSource): string {
  return `from ${source.from.join(', ')}`;
}
