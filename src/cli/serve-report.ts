import type { GatewayStats, RequestInfo } from '../gateway/index.ts';
import type { WebhookLogRecordProcessor } from '../processor.ts';
import { plural } from './output.ts';

type WebhookStats = ReturnType<WebhookLogRecordProcessor['stats']>;

/** `POST /v1/logs 200 protobuf+gzip 5120 B, 12 records (12 selected) in 1.4 ms from 127.0.0.1:50312` */
export function requestLine(info: RequestInfo): string {
  const parts = [`${info.method} ${info.path} ${info.status}`];
  if (info.encoding !== undefined) parts.push(`${info.encoding}${info.gzip ? '+gzip' : ''}`);
  let line = parts.join(' ');
  if (info.bytes > 0) line += ` ${info.bytes} B`;
  if (info.records > 0) {
    const rejected = info.rejected > 0 ? `, ${info.rejected} rejected` : '';
    line += `, ${plural(info.records, 'record')} (${info.selected} selected${rejected})`;
  }
  line += ` in ${info.millis.toFixed(1)} ms from ${info.remote}`;
  return info.message === undefined ? line : `${line}: ${info.message}`;
}

function droppedTotal(stats: WebhookStats): number {
  return Object.values(stats.dropped).reduce((sum, n) => sum + n, 0);
}

function droppedDetail(stats: WebhookStats): string {
  return Object.entries(stats.dropped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
}

/** What the previous summary saw, to report what changed since. */
export interface SummaryBase {
  readonly gateway: GatewayStats;
  readonly delivered: ReadonlyMap<string, number>;
}

export function summaryBase(gateway: GatewayStats, processors: readonly WebhookLogRecordProcessor[]): SummaryBase {
  return { gateway, delivered: new Map(processors.map((processor) => [processor.id, processor.stats().delivered])) };
}

function sum(values: Readonly<Record<number, number>>, keep: (status: number) => boolean): number {
  let total = 0;
  for (const [status, count] of Object.entries(values)) if (keep(Number(status))) total += count;
  return total;
}

/**
 * One line: requests and records since `base`, then each webhook: delivered since, pending
 * now, dropped so far.
 */
export function summaryLine(label: string, base: SummaryBase, now: GatewayStats, processors: readonly WebhookLogRecordProcessor[]): string {
  const delta = (status: (code: number) => boolean): number => sum(now.requests, status) - sum(base.gateway.requests, status);
  const requests = delta(() => true);
  const busy = delta((code) => code === 429 || code === 503);
  const failed = delta((code) => code >= 400 && code !== 429 && code !== 503);
  const records = now.records - base.gateway.records;
  const rejected = now.rejected - base.gateway.rejected;
  const detail = [`${requests - busy - failed} ok`];
  if (busy > 0) detail.push(`${busy} told to retry`);
  if (failed > 0) detail.push(`${failed} refused`);
  let line = `${label}: ${plural(requests, 'request')} (${detail.join(', ')}), ${plural(records, 'record')}`;
  if (rejected > 0) line += `, ${rejected} rejected`;
  for (const processor of processors) {
    const stats = processor.stats();
    const delivered = stats.delivered - (base.delivered.get(processor.id) ?? 0);
    const dropped = droppedTotal(stats);
    let part = `webhook ${JSON.stringify(processor.id)}: ${delivered} delivered, ${stats.pending} pending`;
    if (dropped > 0) part += `, ${dropped} dropped so far (${droppedDetail(stats)})`;
    if (stats.state !== 'running') part += `, ${stats.state}`;
    line += `; ${part}`;
  }
  return line;
}
