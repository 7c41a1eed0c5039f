export { parseDuration } from './config/duration.ts';
export type { WebhookConfigErrorCode } from './config/errors.ts';
export { WebhookConfigError } from './config/errors.ts';
export type {
  ResolvedWebhookOptions,
  WebhookAuthOptions,
  WebhookLevel,
  WebhookOptions,
  WebhookOverrides,
  WebhookSignatureScheme,
  WebhookSpoolSync,
} from './config/options.ts';
export type { ConfigSourceOptions } from './config/read-config.ts';
export { parseWebhookConfig } from './config/read-config.ts';
export { resolveWebhookOptions } from './config/resolve-options.ts';
export type { ResolvedTlsOptions, WebhookTlsOptions, WebhookTlsVersion } from './config/tls-option-types.ts';
export { createWebhookProcessors } from './create-webhook-processors.ts';
export type { DropCounts, DropReason } from './delivery/drops.ts';
export type { DeliveryStats, SpoolUsage } from './delivery/outcomes.ts';
export { WebhookLogRecordExporter } from './exporter.ts';
export type { VerifyOptions } from './http/sign.ts';
export { sign, verifySignature } from './http/sign.ts';
export { WebhookLogRecordProcessor } from './processor.ts';
export type { EventLevel, EventType, EventTypeInfo, EventVersions } from './records/catalog.ts';
export { eventTypes, findEventType } from './records/catalog.ts';
export type { EventMatcher } from './records/match.ts';
export { compileEventMatcher } from './records/match.ts';
export type { WebhookSpoolErrorCode } from './spool/spool.ts';
export { WebhookSpoolError } from './spool/spool.ts';
