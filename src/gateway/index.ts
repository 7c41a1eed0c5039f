// The `otel-webhook-exporter/gateway` entry point: an OTLP/HTTP logs receiver in front of the
// webhook processors (what `otel-webhooks serve` runs).
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, type Gateway, type GatewayOptions, startGateway } from './gateway.ts';
export type { GatewayStats, RequestInfo } from './gateway-stats.ts';
export type { OtlpEncoding } from './responses.ts';
