/**
 * The benchmark sink, run as its own process: a minimal HTTP server on 127.0.0.1 that reads
 * every POSTed body and counts its requests, bytes and events under a key taken from the path.
 * `POST /ok/<key>` answers 200 `{}`; `POST /down/<key>` answers 503 (a receiver in an outage).
 * `GET /stats/<key>` answers that key's totals; `GET /wait/<key>/<n>` answers them once the key
 * has more than `n` failed requests (or after 30 s), so that a process waiting for a request
 * need not poll. It prints `{"port":N}` on stdout once listening
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

/** Longest a `/wait/…` request is held before it is answered anyway. */
const WAIT_MILLIS = 30_000;
/** Held `/wait/…` requests: answered once their key has more failed requests than they name. */
const waiters: { key: string; above: number; answer: () => void }[] = [];

function answerTotals(response: import('node:http').ServerResponse, key: string): void {
  const text = JSON.stringify(totalsOf(key) satisfies SinkTotals);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function wakeWaiters(key: string): void {
  const failed = totalsOf(key).failedRequests;
  for (let i = waiters.length - 1; i >= 0; i--) {
    const waiter = waiters[i] as (typeof waiters)[number];
    if (waiter.key !== key || failed <= waiter.above) continue;
    waiters.splice(i, 1);
    waiter.answer();
  }
}

const server = createServer((request, response) => {
  const [, route = '', key = '', count = ''] = (request.url ?? '').split('/');
  if (request.method === 'GET' && route === 'stats') {
    answerTotals(response, key);
    return;
  }
  if (request.method === 'GET' && route === 'wait') {
    const above = Number(count);
    if (totalsOf(key).failedRequests > above) {
      answerTotals(response, key);
      return;
    }
    const waiter = {
      key,
      above,
      answer: () => {
        clearTimeout(timer);
        answerTotals(response, key);
      },
    };
    const timer = setTimeout(() => {
      waiters.splice(waiters.indexOf(waiter), 1);
      answerTotals(response, key);
    }, WAIT_MILLIS);
    waiters.push(waiter);
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
      wakeWaiters(key);
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
  for (const waiter of waiters.splice(0)) waiter.answer();
  server.close();
  server.closeAllConnections();
}

process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('disconnect', stop);
