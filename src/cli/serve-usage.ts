/** `otel-webhooks serve --help`. */
export const SERVE_USAGE: string = `Usage: otel-webhooks serve <config> [--host ADDRESS] [--port N] [--max-body-bytes N]
                           [--token TOKEN | --token-file FILE]
                           [--tls-cert FILE --tls-key FILE [--client-ca FILE]]
                           [--summary-interval DURATION] [--verbose]

A gateway: an OTLP/HTTP logs receiver (POST /v1/logs, protobuf or JSON, gzip allowed) that
hands every log record to the webhooks of a config (Stalwart TOML or 0.16 registry JSON, as
for check), as an application's LoggerProvider would: same selection, events, throttle,
spool and signing. Point any OpenTelemetry SDK's OTLP/HTTP logs exporter, or a Collector's
otlphttp exporter, at it.

When a webhook cannot take more (its queue or spool is full, and it is not lossy), requests
are answered 429 with Retry-After, so that the sender keeps and retries them; records that
can never be sent (invalid, too large) are reported as OTLP partial success. GET /healthz
answers while the process runs, GET /readyz while it takes logs. On SIGTERM or SIGINT it
answers 503, delivers what is pending within each webhook's shutdown-timeout (a spool keeps
the rest for the next start) and exits 0.

Options:
  --host ADDRESS              address to listen on (default 127.0.0.1)
  --port N                    port to listen on; 0 picks a free one (default 4318)
  --max-body-bytes N          largest body, as sent and once decompressed (default 16777216)
  --token TOKEN               require Authorization: Bearer TOKEN on /v1/logs
  --token-file FILE           the same, the token read from FILE (keeps it out of ps)
  --tls-cert FILE             serve HTTPS with this certificate (PEM; with --tls-key)
  --tls-key FILE              the certificate's private key (PEM)
  --client-ca FILE            require client certificates signed by this CA (mTLS)
  --summary-interval DURATION print a summary line this often (default 60s; 0: never)
  --verbose                   print one line per request and the webhooks' debug messages
  -h, --help                  show this help

Output goes to stderr: the address once listening, the summaries, warnings.

Exit codes:
  0  stopped by SIGTERM or SIGINT
  1  the config has an error, a file cannot be read, or the port cannot be opened
  2  usage error
`;
