import { Server } from 'proxy-chain';

/** Credentials the test proxy asks for (Basic proxy authentication). */
export const PROXY_USER = 'proxy-user';
export const PROXY_PASSWORD = 'pr0xy-P4SS-3e1';

/** One request the proxy let through: a CONNECT tunnel or a forwarded http: request. */
export interface ProxiedRequest {
  readonly kind: 'tunnel' | 'forward';
  /** `host:port` the client asked for. */
  readonly target: string;
}

export interface TestProxy {
  /** `http://proxy-user:…@127.0.0.1:PORT` */
  readonly url: string;
  /** The same address without credentials. */
  readonly bareUrl: string;
  /** What went through, with valid credentials, in order. */
  readonly passed: ProxiedRequest[];
  /** Requests refused with 407 (no or wrong credentials). */
  refused(): number;
  close(): Promise<void>;
}

/**
 * A real forward proxy (proxy-chain) on 127.0.0.1 and a free port that requires Basic proxy
 * authentication and records what it let through.
 */
export async function startProxy(): Promise<TestProxy> {
  const passed: ProxiedRequest[] = [];
  let refused = 0;
  const server = new Server({
    port: 0,
    host: '127.0.0.1',
    prepareRequestFunction: ({ username, password, hostname, port, isHttp }) => {
      const ok = username === PROXY_USER && password === PROXY_PASSWORD;
      if (ok) passed.push({ kind: isHttp ? 'forward' : 'tunnel', target: `${hostname}:${port}` });
      else refused++;
      return { requestAuthentication: !ok, failMsg: 'proxy credentials required' };
    },
  });
  await server.listen();
  const bareUrl = `http://127.0.0.1:${server.port}`;
  return {
    url: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${server.port}`,
    bareUrl,
    passed,
    refused: () => refused,
    close: () => server.close(true),
  };
}
