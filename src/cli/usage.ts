// The --help texts, apart from the commands so that help loads nothing else.

/** `otel-webhooks --help`. */
export const MAIN_USAGE: string = `Usage: otel-webhooks <command> [options]

Stalwart-compatible webhooks from an OpenTelemetry logs pipeline: check a config, test
against a local receiver, send events, run an OTLP gateway, look up event types.

Commands:
  check <config>                       validate a config and show what each webhook will do
  listen [--port N] [options]          run a receiver that verifies and prints what arrives
  send <config> [events.ndjson]        deliver NDJSON events through the configured webhooks
  serve <config> [--port N] [options]  run a gateway: OTLP/HTTP logs in, webhooks out
  events [pattern...] [--json]         list catalog event types a pattern selects
  demo                                 run the example config against embedded receivers

A config is Stalwart TOML (≤ 0.15, macros expanded) or 0.16 registry WebHook JSON (an object,
an array, an x:WebHook/get response, or stalwart-cli snapshot NDJSON), told apart by content.

Run \`otel-webhooks <command> --help\` for a command's options. --version prints the version.
Colour is used only on a terminal, and never when NO_COLOR is set.

Exit codes:
  0  success
  1  failure: a config error, events not delivered, a refused request
  2  usage error: unknown command or option, missing or invalid argument
`;

/** `otel-webhooks check --help`. */
export const CHECK_USAGE: string = `Usage: otel-webhooks check <config> [--verbose] [--strict]

Parses and validates the [webhook."<id>"] tables of a Stalwart TOML config (its %{env:..}%,
%{file:..}% and %{cfg:..}% macros expanded), or the WebHook objects of 0.16 registry JSON,
and shows, for each webhook, what will happen: its url (credentials hidden), the event types
its patterns select, throttle, timeout, signing, authentication and lossy mode, and which keys
took their values from macros or registry secrets (names only: such values are never shown).
Patterns that select no known event type are reported as warnings, with the nearest event
names. Errors name the file, line and key: config.toml:4: webhook."ops".timeout: ...

Options:
  --verbose   list every event type each webhook selects
  --strict    treat warnings as failures (exit 1)
  -h, --help  show this help

Exit codes:
  0  the config is valid (warnings allowed unless --strict)
  1  the config has an error, cannot be read, or has warnings under --strict
  2  usage error
`;

/** `otel-webhooks events --help`. */
export const EVENTS_USAGE: string = `Usage: otel-webhooks events [pattern...] [--json]

Lists the catalog's event types (Stalwart 0.15.5 and 0.16, plus the pre-0.9 names) that the
patterns select, with default level, the Stalwart versions that emit them, and their data
keys. Patterns work as in a webhook's \`events\`: "*", "auth.*", "*.error", exact names, globs,
and "!exclusions". Without a pattern, every type is listed. Quote patterns for the shell.

Options:
  --json      print a JSON array of {name, description, level, versions, keys}
  -h, --help  show this help

Exit codes:
  0  at least one event type matched
  1  no event type matched (the nearest names are suggested)
  2  usage error, such as an invalid pattern
`;

/** `otel-webhooks listen --help`. */
export const LISTEN_USAGE: string = `Usage: otel-webhooks listen [--port N] [--host ADDRESS]
                            [--signature-key KEY | --standard-key SECRET...]
                            [--username USER --secret SECRET | --token TOKEN]
                            [--fail N] [--status CODE] [--delay MS] [--max-body-bytes N] [--json]

A webhook receiver to test against: accepts POSTs on any path, verifies X-Signature (or the
Standard Webhooks headers) and the Authorization header when told what to expect, and prints
each batch (event count, types, ids, verdict) with a running total. It can fail on purpose to exercise retries. A request
with a bad signature or credentials is answered 401, a malformed body 400, a body over
--max-body-bytes 413 (without reading the rest of it). Stop it with
Ctrl-C; it then prints a summary. Only counts are kept, and the most recent 100,000 ids for
spotting retries and duplicates, so it can run for as long as needed.

Options:
  --port N               port to listen on; 0 picks a free one (default 8080)
  --host ADDRESS         address to listen on (default 127.0.0.1)
  --signature-key KEY    require a valid X-Signature made with KEY
  --standard-key SECRET  require valid Standard Webhooks headers (webhook-id,
                         webhook-timestamp, webhook-signature) signed with this whsec_
                         secret; repeat it to accept any of several keys
  --username USER        require Authorization: Basic for USER (with --secret)
  --secret SECRET        the Basic password
  --token TOKEN          require Authorization: Bearer TOKEN
  --fail N               answer the first N requests with 503 (or --status), then 200
  --status CODE          answer every request with CODE (200-599); with --fail, only the first N
  --delay MS             wait this long before answering (milliseconds, or a duration like 2s)
  --max-body-bytes N     largest body read; a longer one is answered 413 (default 16777216)
  --json                 print one JSON line per event on stdout; everything else goes to stderr
  -h, --help             show this help

Each --json line is the event ({"id","createdAt","type","data"}) plus how it arrived:
"request" (1-based), "path", "status" answered, "signature" and "auth" (ok, failed or
unchecked). Events of failed requests are printed too; they arrive again when retried.

Exit codes:
  0  stopped, and no request was refused for a bad signature, credentials or body
  1  some request was refused (413 included), or the port could not be opened
  2  usage error
`;

/** `otel-webhooks send --help`. */
export const SEND_USAGE: string = `Usage: otel-webhooks send <config> [events.ndjson | -] [--webhook ID]... [--url URL]
                          [--wait DURATION] [--verbose]

Delivers events through the webhooks of a config (Stalwart TOML or 0.16 registry JSON, as for
check), with the same processor an
application uses: each NDJSON line becomes an OpenTelemetry log record (eventName = type,
attributes = data, timestamp = createdAt) and each webhook selects, batches, signs and
retries as configured. Without a file, or with -, events are read from stdin.

Each line: {"type": "auth.success", "data": {"accountName": "jane"}, "createdAt": "2026-11-22T10:05:14Z"}
("data" and "createdAt" are optional; other fields are ignored, so lines captured with
\`otel-webhooks listen --json\` can be sent again). Malformed lines are reported with their
line number and skipped; a line longer than the largest max-queue-bytes of the webhooks stops
the reading (exit 1). On a terminal a progress line shows queued, delivered, failed
(requests) and dropped events; a report follows at the end.

Options:
  --webhook ID       send only through this webhook (repeatable; default: every enabled one)
  --url URL          send to URL instead of each chosen webhook's url (e.g. a local listener)
  --wait DURATION    how long to wait for delivery once the input ends (default 30s)
  --verbose          show the exporter's debug messages
  -h, --help         show this help

Exit codes:
  0  every event a webhook selected was delivered, and every line was read
  1  some event was not delivered (dropped, or still pending after --wait), a line was
     malformed, the input could not be read, or the config has an error
  2  usage error
`;

/** `otel-webhooks demo --help`. */
export const DEMO_USAGE: string = `Usage: otel-webhooks demo

Runs the example Stalwart config (examples/stalwart-webhooks.toml) against embedded receivers
on 127.0.0.1: a real OpenTelemetry logs pipeline emits waves of mail-server events, each
webhook batches, signs and sends what it selects, and each receiver verifies what arrives.

Exit codes:
  0  every selected event arrived once, verified
  1  some event was not delivered
  2  usage error
`;
