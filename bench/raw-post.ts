/**
 * The raw limit: webhook bodies built and signed before anything is measured, POSTed to the
 * sink one request at a time over one kept-alive undici connection (as the processor's own
 * transport does). No records, no queue: what sending alone costs.
 */
import type { LogRecord } from '@opentelemetry/api';
import { Agent } from 'undici';
import type { PackageUnderTest } from './measure.ts';
import { BENCH_SIGNATURE_KEY } from './records.ts';

export interface SignedBody {
  readonly body: Buffer;
  readonly signature: string;
  readonly events: number;
}

/** `{"events":[{"id","createdAt","type","data"}]}` bodies of `perBody` events each. */
export function signedBodies(pkg: PackageUnderTest, records: readonly LogRecord[], perBody: number): SignedBody[] {
  const bodies: SignedBody[] = [];
  const createdAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  let id = BigInt(Date.now()) * 1_000_000n;
  for (let start = 0; start < records.length; start += perBody) {
    const events = records.slice(start, start + perBody).map((record) => ({
      id: String(id++),
      createdAt,
      type: record.eventName,
      data: record.attributes,
    }));
    const body = Buffer.from(JSON.stringify({ events }));
    bodies.push({ body, signature: pkg.sign(body, BENCH_SIGNATURE_KEY), events: events.length });
  }
  return bodies;
}

/** POSTs bodies to one URL, one at a time. */
export function rawPoster(url: string): { post(bodies: readonly SignedBody[]): Promise<void>; close(): Promise<void> } {
  const target = new URL(url);
  const agent = new Agent({ connections: 1 });
  return {
    async post(bodies) {
      for (const { body, signature } of bodies) {
        const response = await agent.request({
          origin: target.origin,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'x-signature': signature },
          body,
        });
        await response.body.dump();
        if (response.statusCode !== 200) throw new Error(`raw POST answered ${response.statusCode}`);
      }
    },
    close: () => agent.close(),
  };
}
