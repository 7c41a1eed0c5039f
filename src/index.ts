export { eventTypes, findEventType } from './records/catalog.ts';
export { parseWebhookConfig, resolveWebhookOptions } from './config/config.ts';
export { parseDuration } from './config/duration.ts';
export { WebhookConfigError } from './config/errors.ts';
export { WebhookLogRecordExporter } from './exporter.ts';
export { createWebhookProcessors } from './create-webhook-processors.ts';
export { compileEventMatcher } from './records/match.ts';
export { WebhookLogRecordProcessor } from './processor.ts';
export { sign, verifySignature } from './http/sign.ts';
export { WebhookSpoolError } from './spool/spool.ts';

export type { EventLevel, EventType, EventTypeInfo, EventVersions } from './records/catalog.ts';
export type { DeliveryStats } from './delivery/delivery.ts';
export type { DropCounts, DropReason } from './delivery/drops.ts';
export type { WebhookConfigErrorCode } from './config/errors.ts';
export type { EventMatcher } from './records/match.ts';
export type { WebhookSpoolErrorCode } from './spool/spool.ts';
export type { ResolvedWebhookOptions, WebhookAuthOptions, WebhookLevel, WebhookOptions } from './config/options.ts';
