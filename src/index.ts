export { eventTypes, findEventType } from './catalog.ts';
export { parseWebhookConfig, resolveWebhookOptions } from './config.ts';
export { parseDuration } from './duration.ts';
export { WebhookConfigError } from './errors.ts';
export { WebhookLogRecordExporter } from './exporter.ts';
export { createWebhookProcessors } from './factory.ts';
export { compileEventMatcher } from './match.ts';
export { WebhookLogRecordProcessor } from './processor.ts';
export { sign, verifySignature } from './sign.ts';
export { WebhookSpoolError } from './spool.ts';

export type { EventLevel, EventType, EventTypeInfo, EventVersions } from './catalog.ts';
export type { DeliveryStats } from './delivery.ts';
export type { DropCounts, DropReason } from './drops.ts';
export type { WebhookConfigErrorCode } from './errors.ts';
export type { EventMatcher } from './match.ts';
export type { WebhookSpoolErrorCode } from './spool.ts';
export type { ResolvedWebhookOptions, WebhookAuthOptions, WebhookLevel, WebhookOptions } from './options.ts';
