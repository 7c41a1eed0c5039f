/**
 * The benchmark sink, run as its own process: a minimal HTTP server on 127.0.0.1 that reads
 * every POSTed body and counts its requests, bytes and events under a key taken from the path.
 * `POST /ok/<key>` answers 200 `{}`; `POST /down/<key>` answers 503 (a receiver in an outage).
 * `GET /stats/<key>` answers that key's totals. It prints `{"port":N}` on stdout once listening
 * and exits when its parent closes its stdin, so it never outlives a benchmark run.
 *
 * Events are counted by scanning the raw bytes for one marker per event (`"createdAt":"` in a
 * webhook body, `"timeUnixNano"` in an OTLP/JSON body) rather than by parsing, so the sink
 * costs the same little for every pipeline. It counts a body before answering it, so once a
 * pipeline has its answers, the sink's totals are final.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SinkTotals } from './types.ts';

const MARKERS = [Buffer.from('"createdAt":"'), Buffer.from('"timeUnixNano"')];

function countEvents(body: Buffer): number {
  let count = 0;
  for (const marker of MARKERS) {
    for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) count++;
  }
  return count;
}

const totals = new Map<string, { requests: number; events: number; bytes: number; failedRequests: number }>();
function totalsOf(key: string) {
  let entry = totals.get(key);
  if (entry === undefined) {
    entry = { requests: 0, events: 0, bytes: 0, failedRequests: 0 };
    totals.set(key, entry);
  }
  return entry;
}

const server = createServer((request, response) => {
  const [, route = '', key = ''] = (request.url ?? '').split('/');
  if (request.method === 'GET' && route === 'stats') {
    const text = JSON.stringify(totalsOf(key) satisfies SinkTotals);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    const entry = totalsOf(key);
    if (route === 'down') {
      entry.failedRequests++;
      response.writeHead(503, { 'content-type': 'text/plain', 'content-length': 11 });
      response.end('unavailable');
      return;
    }
    entry.requests++;
    entry.bytes += body.length;
    entry.events += countEvents(body);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    response.end('{}');
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});

function stop(): void {
  server.close();
  server.closeAllConnections();
}

process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('disconnect', stop);
