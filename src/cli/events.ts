import { WebhookConfigError } from '../config/errors.ts';
import { type EventTypeInfo, eventTypes } from '../records/catalog.ts';
import { compileEventMatcher, unmatchedPatterns } from '../records/match.ts';
import { parseCommandArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.ts';
import { type CliIo, lineWriter, plural, styleFor } from './output.ts';

interface EventJson {
  readonly name: string;
  readonly description: string;
  readonly level: string | null;
  readonly versions: string;
  readonly keys: readonly string[];
}

function toJson(info: EventTypeInfo): EventJson {
  return { name: info.name, description: info.description, level: info.level ?? null, versions: info.versions, keys: info.keys };
}

/** `otel-webhooks events`: resolves to the exit code. */
export async function runEvents(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false } });
  const patterns = positionals.length === 0 ? ['*'] : positionals;
  let matches: (type: string) => boolean;
  try {
    const matcher = compileEventMatcher(patterns, (index) => `pattern ${index + 1}`);
    matches = (type) => matcher.matches(type);
  } catch (error) {
    if (error instanceof WebhookConfigError) throw new UsageError(error.message);
    throw error;
  }
  const found = eventTypes.filter((info) => matches(info.name));
  const out = lineWriter(io.stdout);

  if (values.json) {
    out(JSON.stringify(found.map(toJson), null, 2));
  } else if (found.length > 0) {
    const style = styleFor(io.stdout, io.env);
    const nameWidth = Math.max(...found.map((info) => info.name.length));
    const versionWidth = Math.max(...found.map((info) => info.versions.length));
    for (const info of found) {
      const level = (info.level ?? '-').padEnd(5);
      const keys = info.keys.length === 0 ? '-' : info.keys.join(', ');
      out(`${style.bold(info.name.padEnd(nameWidth))}  ${level}  ${style.dim(info.versions.padEnd(versionWidth))}  ${keys}`);
    }
    out(
      style.dim(
        `${plural(found.length, 'event type')} ${found.length === 1 ? 'matches' : 'match'} ${patterns.map((p) => JSON.stringify(p)).join(' ')}`,
      ),
    );
  }
  if (found.length > 0) return EXIT_OK;

  const err = lineWriter(io.stderr);
  err(`otel-webhooks events: no event type matches ${patterns.map((p) => JSON.stringify(p)).join(' ')}`);
  for (const { pattern, suggestions } of unmatchedPatterns(patterns)) {
    if (suggestions.length > 0) err(`  nearest to ${JSON.stringify(pattern)}: ${suggestions.join(', ')}`);
  }
  return EXIT_FAILURE;
}
