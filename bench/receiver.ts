/**
 * The benchmark receiver, run as its own process: a minimal HTTP server on 127.0.0.1 that reads
 * every POSTed body, counts the events in it and answers 200 `{}`. It prints `{"port":N}` on
 * stdout once listening, answers `GET /stats` with its running totals, and exits when its
 * parent closes its stdin (or the parent goes away), so it never outlives a benchmark run.
 *
 * Events are counted by scanning the raw bytes for one marker per event (`"createdAt":"` in a
 * webhook body, `"timeUnixNano"` in an OTLP/JSON body) rather than by parsing, so the receiver
 * costs the same little for every pipeline and is never what limits a measurement.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const WEBHOOK_MARKER = Buffer.from('"createdAt":"');
const OTLP_MARKER = Buffer.from('"timeUnixNano"');

function countMarker(body: Buffer, marker: Buffer): number {
  let count = 0;
  let at = body.indexOf(marker);
  while (at !== -1) {
    count++;
    at = body.indexOf(marker, at + marker.length);
  }
  return count;
}

/** Running totals since the receiver started. */
const totals = { requests: 0, events: 0, bytes: 0 };

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/stats') {
    const text = JSON.stringify(totals);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    totals.requests++;
    totals.bytes += body.length;
    totals.events += countMarker(body, WEBHOOK_MARKER) + countMarker(body, OTLP_MARKER);
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
