import type { Logger } from '@opentelemetry/api';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { WebhookOptions } from '../../src/config/options.ts';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';

export interface Pipeline {
  readonly provider: LoggerProvider;
  readonly logger: Logger;
  readonly processor: WebhookLogRecordProcessor;
}

/** A real LoggerProvider with one webhook processor (plus `others`), as an application has it. */
export function pipeline(options: Omit<WebhookOptions, 'id'> & { id?: string }, others: LogRecordProcessor[] = []): Pipeline {
  const processor = new WebhookLogRecordProcessor({ id: 'test', ...options });
  const provider = new LoggerProvider({ processors: [processor, ...others] });
  return { provider, logger: provider.getLogger('test'), processor };
}

/** Parsed `events` of a recorded request body. */
export function eventsOf(body: Buffer): { id: string; createdAt: string; type: string; data: Record<string, unknown> }[] {
  return (JSON.parse(body.toString('utf8')) as { events: [] }).events;
}

export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
