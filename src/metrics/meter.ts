import {
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type ObservableUpDownCounter,
  type UpDownCounter,
  ValueType,
} from '@opentelemetry/api';
import { VERSION } from '../http/version.ts';

/** The meter's name: the package's. Its version is the package version. */
export const METER_NAME = 'otel-webhook-exporter';

const LOG_RECORD = '{log_record}';

export function webhookMeter(provider: MeterProvider): Meter {
  return provider.getMeter(METER_NAME, VERSION);
}

/** The exporter instruments of the conventions (`otel.sdk.exporter.*`), for log records. */
export interface ExporterInstruments {
  readonly inflight: ObservableUpDownCounter;
  readonly exported: Counter;
  readonly duration: Histogram;
}

/** The processor instruments of the conventions (`otel.sdk.processor.log.*`). */
export interface ProcessorInstruments {
  readonly processed: Counter;
  readonly queueSize: ObservableUpDownCounter;
  readonly queueCapacity: UpDownCounter;
}

export function exporterInstruments(meter: Meter): ExporterInstruments {
  return {
    inflight: meter.createObservableUpDownCounter('otel.sdk.exporter.log.inflight', {
      unit: LOG_RECORD,
      valueType: ValueType.INT,
      description:
        'The number of log records which were passed to the exporter, but that have not been exported yet (neither successful, nor failed).',
    }),
    exported: meter.createCounter('otel.sdk.exporter.log.exported', {
      unit: LOG_RECORD,
      valueType: ValueType.INT,
      description: 'The number of log records for which the export has finished, either successful or failed.',
    }),
    // The conventions ask for a single bucket, without boundaries.
    duration: meter.createHistogram('otel.sdk.exporter.operation.duration', {
      unit: 's',
      valueType: ValueType.DOUBLE,
      description: 'The duration of exporting a batch of telemetry records.',
      advice: { explicitBucketBoundaries: [] },
    }),
  };
}

export function processorInstruments(meter: Meter): ProcessorInstruments {
  return {
    processed: meter.createCounter('otel.sdk.processor.log.processed', {
      unit: LOG_RECORD,
      valueType: ValueType.INT,
      description: 'The number of log records for which the processing has finished, either successful or failed.',
    }),
    queueSize: meter.createObservableUpDownCounter('otel.sdk.processor.log.queue.size', {
      unit: LOG_RECORD,
      valueType: ValueType.INT,
      description: 'The number of log records in the queue of a given instance of an SDK log processor.',
    }),
    queueCapacity: meter.createUpDownCounter('otel.sdk.processor.log.queue.capacity', {
      unit: LOG_RECORD,
      valueType: ValueType.INT,
      description: 'The maximum number of log records the queue of a given instance of an SDK Log Record processor can hold.',
    }),
  };
}

/** Runs a meter call; one that throws must not reach the engine (metrics are best effort). */
export function guard(record: () => void): void {
  try {
    record();
  } catch {
    // Nothing to do: the delivery goes on.
  }
}
