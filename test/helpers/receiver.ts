import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import { TEST_CERT, TEST_KEY } from './certs.ts';

/** One request as the receiver saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  /** The body bytes exactly as received. */
  body: Buffer;
  /** `performance.now()` when the whole body had arrived. */
  receivedAt: number;
  /** The client's port: equal on two requests when the connection was kept alive. */
  remotePort: number;
  /** HTTPS: the subject CN of the client certificate the server verified, if one was sent. */
  clientCertificate: string | undefined;
  /** HTTPS: the server name the client sent (SNI), if any. */
  serverName: string | undefined;
}

/** How the receiver answers one request. */
export interface ReceiverResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Default empty. */
  body?: string;
  /** Wait this long before answering. */
  delayMillis?: number;
  /** Reset the socket without answering. */
  destroy?: boolean;
}

export interface ReceiverOptions {
  /** Serve HTTPS with the self-signed test certificate. */
  tls?: boolean;
  /** Serve HTTPS with these options instead (a CA-signed certificate, `requestCert`, …). */
  https?: HttpsServerOptions;
  /** Listen on this address (default 127.0.0.1); 127.0.0.2 is loopback too on Linux. */
  host?: string;
  /** Listen on this port (to bring a receiver back up where it was); default any free port. */
  port?: number;
  /** Chooses the answer; `index` is the request's position in `requests`. */
  respond?: (req: RecordedRequest, index: number) => ReceiverResponse | Promise<ReceiverResponse>;
}

export interface Receiver {
  /** `http://127.0.0.1:PORT/hook` or `https://127.0.0.1:PORT/hook`. */
  url: string;
  port: number;
  /** Every request received so far, in arrival order. */
  requests: RecordedRequest[];
  /** Resolves once at least `n` requests have arrived; rejects after `timeoutMillis`. */
  waitForRequests(n: number, timeoutMillis?: number): Promise<RecordedRequest[]>;
  /** Stops listening, cancels delayed answers and closes every connection. */
  close(): Promise<void>;
  /** The certificate (PEM) clients must trust when `tls` is set; empty otherwise. */
  ca: string;
}

interface Waiter {
  readonly count: number;
  readonly resolve: (requests: RecordedRequest[]) => void;
}

/** The TLS peer of a request: the verified client certificate's CN and the SNI name. */
function peer(incoming: IncomingMessage): Pick<RecordedRequest, 'clientCertificate' | 'serverName'> {
  const socket = incoming.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return { clientCertificate: undefined, serverName: undefined };
  const certificate = socket.authorized === true ? socket.getPeerCertificate() : undefined;
  const cn = certificate?.subject?.CN;
  const servername = (socket as { servername?: string | false }).servername;
  return {
    clientCertificate: typeof cn === 'string' ? cn : undefined,
    serverName: typeof servername === 'string' ? servername : undefined,
  };
}

/** A real webhook receiver on 127.0.0.1 (or `host`) and a free port, recording what it gets. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const requests: RecordedRequest[] = [];
  const waiters = new Set<Waiter>();
  const delays = new Set<NodeJS.Timeout>();
  let closed = false;

  /** Resolves after `millis`, or never once the receiver is closed. */
  function wait(millis: number): Promise<void> {
    return new Promise((resolve) => {
      if (closed) return;
      const timer = setTimeout(() => {
        delays.delete(timer);
        resolve();
      }, millis);
      timer.unref();
      delays.add(timer);
    });
  }

  async function answer(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const recorded: RecordedRequest = {
      method: incoming.method ?? '',
      path: incoming.url ?? '',
      headers: incoming.headers,
      rawHeaders: incoming.rawHeaders,
      body: Buffer.concat(chunks),
      receivedAt: performance.now(),
      remotePort: incoming.socket.remotePort ?? 0,
      ...peer(incoming),
    };
    const index = requests.push(recorded) - 1;
    for (const waiter of waiters) {
      if (requests.length >= waiter.count) {
        waiters.delete(waiter);
        waiter.resolve(requests.slice());
      }
    }
    const planned = options.respond === undefined ? {} : await options.respond(recorded, index);
    if (closed) return;
    if (planned.delayMillis !== undefined && planned.delayMillis > 0) await wait(planned.delayMillis);
    if (closed) return;
    if (planned.destroy === true) {
      incoming.socket.destroy();
      return;
    }
    response.writeHead(planned.status ?? 200, planned.headers ?? {});
    response.end(planned.body ?? '');
  }

  const onRequest = (incoming: IncomingMessage, response: ServerResponse): void => {
    answer(incoming, response).catch(() => incoming.socket.destroy());
  };
  const tls = options.tls === true || options.https !== undefined;
  const server: Server = tls
    ? createHttpsServer(options.https ?? { key: TEST_KEY, cert: TEST_CERT }, onRequest)
    : createHttpServer(onRequest);
  const host = options.host ?? '127.0.0.1';

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}/hook`,
    port,
    requests,
    ca: options.tls === true ? TEST_CERT : '',

    waitForRequests(n, timeoutMillis = 5_000) {
      if (requests.length >= n) return Promise.resolve(requests.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`receiver expected ${n} request(s) within ${timeoutMillis} ms but got ${requests.length}`));
        }, timeoutMillis);
        const waiter: Waiter = {
          count: n,
          resolve: (received) => {
            clearTimeout(timer);
            resolve(received);
          },
        };
        waiters.add(waiter);
      });
    },

    close() {
      closed = true;
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
