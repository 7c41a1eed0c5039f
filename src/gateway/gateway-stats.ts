import type { OtlpEncoding } from './responses.ts';

/** One request as the gateway answered it (what `--verbose` prints). */
export interface RequestInfo {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The body's encoding, when the Content-Type named one the gateway reads. */
  readonly encoding: OtlpEncoding | undefined;
  readonly gzip: boolean;
  /** Body bytes as decoded (after decompression); 0 when the body was not read. */
  readonly bytes: number;
  /** Log records in the request; 0 when it was not decoded. */
  readonly records: number;
  /** Records at least one webhook took. */
  readonly selected: number;
  /** Records rejected for good (reported as partial success). */
  readonly rejected: number;
  readonly millis: number;
  /** The client's address and port. */
  readonly remote: string;
  /** Why the request was not fully taken, as told to the client. */
  readonly message: string | undefined;
}

/** Totals since the gateway started. */
export interface GatewayStats {
  /** Requests answered, by HTTP status. */
  readonly requests: Readonly<Record<number, number>>;
  /** Log records received in requests that were decoded. */
  readonly records: number;
  readonly selected: number;
  readonly rejected: number;
  /** Records of requests answered 429 or 503 after decoding: the sender keeps and retries them. */
  readonly deferred: number;
}

/** Counts what the gateway answers. */
export class GatewayCounters {
  private readonly requests = new Map<number, number>();
  private records = 0;
  private selected = 0;
  private rejected = 0;
  private deferred = 0;

  count(info: RequestInfo): void {
    this.requests.set(info.status, (this.requests.get(info.status) ?? 0) + 1);
    if (info.path !== '/v1/logs') return;
    this.records += info.records;
    this.selected += info.selected;
    this.rejected += info.rejected;
    if (info.status === 429 || info.status === 503) this.deferred += info.records;
  }

  snapshot(): GatewayStats {
    return {
      requests: Object.fromEntries([...this.requests].sort(([a], [b]) => a - b)),
      records: this.records,
      selected: this.selected,
      rejected: this.rejected,
      deferred: this.deferred,
    };
  }
}
