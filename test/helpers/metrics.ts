import type { Attributes } from '@opentelemetry/api';
import {
  type DataPoint,
  DataPointType,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { waitUntil } from './poll.ts';

/** A reader the test collects from when it wants to, as a pull exporter would. */
class CollectingReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** What one collection saw. */
export class MetricsSnapshot {
  readonly scopes: readonly ScopeMetrics[];

  constructor(scopes: readonly ScopeMetrics[]) {
    this.scopes = scopes;
  }

  metric(name: string): MetricData | undefined {
    for (const scope of this.scopes) for (const metric of scope.metrics) if (metric.descriptor.name === name) return metric;
    return undefined;
  }

  /** The points of `name` whose attributes include every one of `attributes`. */
  points(name: string, attributes: Attributes = {}): DataPoint<unknown>[] {
    const metric = this.metric(name);
    if (metric === undefined) return [];
    const points = metric.dataPoints as DataPoint<unknown>[];
    return points.filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value));
  }

  /** The sum of a counter's (or up-down counter's) matching points: 0 when there are none. */
  sum(name: string, attributes: Attributes = {}): number {
    return this.points(name, attributes).reduce((total, point) => total + (point.value as number), 0);
  }

  /** The sum of the points of `name` that carry no `error.type`. */
  succeeded(name: string): number {
    return this.points(name).reduce(
      (total, point) => total + (point.attributes['error.type'] === undefined ? (point.value as number) : 0),
      0,
    );
  }

  /** The `error.type` values of `name` with their sums. */
  errors(name: string): Record<string, number> {
    const errors: Record<string, number> = {};
    for (const point of this.points(name)) {
      const type = point.attributes['error.type'];
      if (typeof type === 'string') errors[type] = (errors[type] ?? 0) + (point.value as number);
    }
    return errors;
  }

  /** The histogram points of `name` matching `attributes`. */
  histograms(name: string, attributes: Attributes = {}): { attributes: Attributes; value: Histogram }[] {
    const metric = this.metric(name);
    if (metric !== undefined && metric.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
    return this.points(name, attributes).map((point) => ({ attributes: point.attributes, value: point.value as Histogram }));
  }

  /** How many observations the histogram `name` holds (matching `attributes`). */
  observations(name: string, attributes: Attributes = {}): number {
    return this.histograms(name, attributes).reduce((total, point) => total + point.value.count, 0);
  }
}

/** A real SDK MeterProvider with a reader; `collect()` reads every instrument now. */
export function testMetrics(): { provider: MeterProvider; collect: () => Promise<MetricsSnapshot> } {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    collect: async () => {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
      return new MetricsSnapshot(resourceMetrics.scopeMetrics);
    },
  };
}

/** Resolves once `check()` holds; rejects after `timeoutMillis`. */
export function until(check: () => boolean, timeoutMillis = 5_000): Promise<void> {
  return waitUntil(check, timeoutMillis);
}
