// Compiled by test/types.test.ts with `exactOptionalPropertyTypes`: every optional field of the
// public option types takes a value that may be `undefined`, such as `process.env.KEY`.
import type { GatewayOptions } from '../../src/gateway/index.ts';
import type {
  ConfigSourceOptions,
  VerifyOptions,
  WebhookAuthOptions,
  WebhookOptions,
  WebhookOverrides,
  WebhookTlsOptions,
} from '../../src/index.ts';

declare const text: string | undefined;
declare const number: number | undefined;
declare const flag: boolean | undefined;

export const auth: WebhookAuthOptions = { username: text, secret: text, token: text };

export const tls: WebhookTlsOptions = {
  caFile: text,
  certFile: text,
  keyFile: text,
  ca: text,
  cert: text,
  key: text,
  serverName: text,
  minVersion: undefined,
};

export const options: WebhookOptions = {
  id: 'ops',
  url: 'https://hooks.example.org/x',
  events: ['*'],
  timeoutMillis: number,
  timeout: text,
  throttleMillis: number,
  throttle: text,
  signatureKey: process.env['KEY'],
  signatureScheme: undefined,
  proxy: text,
  tls: undefined,
  headers: undefined,
  allowInvalidCerts: flag,
  auth: undefined,
  lossy: flag,
  discardAfterMillis: number,
  discardAfter: text,
  enable: flag,
  level: undefined,
  maxBatchEvents: number,
  maxBatchBytes: number,
  retryMaxMillis: number,
  retryMax: text,
  shutdownTimeoutMillis: number,
  shutdownTimeout: text,
  deliverOnExit: flag,
  maxQueueEvents: number,
  maxQueueBytes: number,
  spoolDir: text,
  spoolMaxBytes: number,
  spoolSync: undefined,
  spoolFsyncIntervalMillis: number,
  spoolFsyncInterval: text,
  eventType: undefined,
  ca: text,
  selfObsMeterProvider: undefined,
};

export const overrides: WebhookOverrides = { eventType: undefined, ca: text, selfObsMeterProvider: undefined };

export const source: ConfigSourceOptions = { env: undefined };

export const verify: VerifyOptions[] = [
  { scheme: undefined, key: 'k' },
  { scheme: 'standard-webhooks', keys: 'whsec_a2V5', nowMillis: number },
];

export const gateway: GatewayOptions = {
  processors: [],
  host: text,
  port: number,
  maxBodyBytes: number,
  token: text,
  tls: { cert: 'c', key: 'k', clientCa: text },
  maxConcurrentRequests: number,
  onRequest: undefined,
};

// The types are still checked: a wrong type is refused (tsc fails on an unused expectation).
// @ts-expect-error lossy is a boolean
export const wrong: WebhookOptions = { id: 'ops', url: 'https://hooks.example.org/x', events: ['*'], lossy: 'yes' };
