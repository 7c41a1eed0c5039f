import { type LogRecord, SeverityNumber } from '@opentelemetry/api';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';

/** The event type every benchmark record carries. */
export const BENCH_EVENT_TYPE = 'auth.success';

/** Signature key of the benchmark webhooks (signing is part of what is measured). */
export const BENCH_SIGNATURE_KEY = 'bench-signature-key';

/**
 * The one log record every scenario emits: a Stalwart `auth.success` event with the attributes
 * a mail server would attach (a 64-bit span id written as decimal digits among them).
 * Every pipeline gets exactly this record, so bytes and work per event are comparable.
 */
export function benchRecord(): LogRecord {
  return {
    eventName: BENCH_EVENT_TYPE,
    severityNumber: SeverityNumber.INFO,
    attributes: {
      accountName: 'jane.doe',
      accountId: 42,
      remoteIp: '203.0.113.7',
      remotePort: 52144,
      listenerId: 'imap',
      spanId: '13249812345678901234',
      type: 'plain',
    },
  };
}

/** The benchmark record as the SDK hands it to processors: one real SDK log record. */
export function sdkRecord(): ReadableLogRecord {
  let captured: ReadableLogRecord | undefined;
  const capture: LogRecordProcessor = {
    onEmit: (r) => {
      captured = r;
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  new LoggerProvider({ processors: [capture] }).getLogger('bench').emit(benchRecord());
  if (captured === undefined) throw new Error('no record captured');
  return captured;
}
