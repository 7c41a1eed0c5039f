import type { Attributes } from '@opentelemetry/api';
import type { DropReason } from '../delivery/drops.ts';

/** `otel.component.type` of each component: the class name, as the conventions ask when no standard value applies. */
export const PROCESSOR_COMPONENT_TYPE = 'WebhookLogRecordProcessor';
export const EXPORTER_COMPONENT_TYPE = 'WebhookLogRecordExporter';

/**
 * `error.type` of each drop reason: the conventions' `queue_full` and `already_shutdown` where
 * they apply, lower_snake names of the reason otherwise.
 */
export const ERROR_TYPES: Readonly<Record<DropReason, string>> = {
  overflow: 'queue_full',
  shutdown: 'already_shutdown',
  lossy: 'lossy',
  discarded: 'discarded',
  gone: 'gone',
  'too-large': 'too_large',
  invalid: 'invalid',
};

/** `otel.component.type` and `otel.component.name` (the webhook id). */
export function componentAttributes(type: string, id: string): Attributes {
  return { 'otel.component.type': type, 'otel.component.name': id };
}

/**
 * `server.address` and `server.port` of the endpoint (the server behind a proxy, as the
 * conventions ask): the URL's host without IPv6 brackets, and its port or the scheme's default.
 */
export function serverAttributes(url: URL): Attributes {
  const address = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { 'server.address': address, 'server.port': port };
}

/**
 * Frozen attribute sets, one per `error.type` (and one without), made once: counting an
 * outcome allocates nothing.
 */
export class AttributeSets {
  private readonly ok: Attributes;
  private readonly failed = new Map<string, Attributes>();

  constructor(base: Attributes) {
    this.ok = Object.freeze({ ...base });
  }

  of(errorType: string | undefined): Attributes {
    if (errorType === undefined) return this.ok;
    let set = this.failed.get(errorType);
    if (set === undefined) {
      set = Object.freeze({ ...this.ok, 'error.type': errorType });
      this.failed.set(errorType, set);
    }
    return set;
  }

  /** The attributes of one export operation: with the last HTTP status code and the error type, when there are. */
  operation(statusCode: number | undefined, errorType: string | undefined): Attributes {
    const set: Attributes = { ...this.of(errorType) };
    if (statusCode !== undefined) set['http.response.status_code'] = statusCode;
    return set;
  }
}
