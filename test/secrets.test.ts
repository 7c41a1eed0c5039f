import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { WebhookOptions } from '../src/config/options.ts';
import { WebhookLogRecordExporter } from '../src/exporter.ts';
import { WebhookLogRecordProcessor } from '../src/processor.ts';
import { CLIENT_CERT, CLIENT_KEY } from './helpers/certs.ts';
import { receivers } from './helpers/receivers.ts';

const receiver = receivers();

const SIGNATURE_KEY = 'sig-K3Y-9f2';
const URL_PASSWORD = 'url-P4SS-71c';
const AUTH_SECRET = 'auth-S3CR3T-5d0';
const TOKEN = 'b34rer-T0K3N-e4a';
const HEADER_SECRET = 'hdr-S3CR3T-0b8';
const HEADER_TOKEN = 'hdr-T0K3N-66f';
const PROXY_PASSWORD = 'prx-P4SS-c0d';
const QUERY_TOKEN = 'qry-T0K3N-a19';
const WHSEC_OLD = 'whsec_b2xkLXN0YW5kYXJkLXdlYmhvb2tzLWtleQ==';
const WHSEC_NEW = 'whsec_bmV3LXN0YW5kYXJkLXdlYmhvb2tzLWtleQ==';
/** A line from the middle of the client certificate's private key. */
const KEY_PEM_LINE = CLIENT_KEY.split('\n')[2] as string;

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Every secret, and the forms it is sent in (Basic credentials are base64). */
const SECRETS = [
  SIGNATURE_KEY,
  URL_PASSWORD,
  AUTH_SECRET,
  TOKEN,
  HEADER_SECRET,
  HEADER_TOKEN,
  base64(`jane:${URL_PASSWORD}`),
  base64(`jane:${AUTH_SECRET}`),
  PROXY_PASSWORD,
  QUERY_TOKEN,
  WHSEC_OLD,
  WHSEC_NEW,
  WHSEC_OLD.slice('whsec_'.length),
  KEY_PEM_LINE,
];

/** Each secret-holding configuration (URL credentials, Basic auth and a token exclude each other). */
const configurations = (url: string): WebhookOptions[] => {
  const withPassword = new URL(url);
  withPassword.username = 'jane';
  withPassword.password = URL_PASSWORD;
  const headers = { 'X-Api-Key': HEADER_SECRET, 'X-Upstream': `Bearer ${HEADER_TOKEN}` };
  return [
    { id: 'url-credentials', url: withPassword.href, events: ['*'], signatureKey: SIGNATURE_KEY, headers },
    { id: 'basic', url, events: ['*'], signatureKey: SIGNATURE_KEY, auth: { username: 'jane', secret: AUTH_SECRET } },
    { id: 'bearer', url, events: ['*'], signatureKey: SIGNATURE_KEY, auth: { token: TOKEN }, headers },
    {
      id: 'standard-proxy-tls',
      url,
      events: ['*'],
      signatureScheme: 'standard-webhooks',
      signatureKey: [WHSEC_OLD, WHSEC_NEW],
      proxy: `http://jane:${PROXY_PASSWORD}@127.0.0.1:9`,
      tls: { cert: CLIENT_CERT, key: CLIENT_KEY },
    },
    { id: 'query-token', url: `${url}?access_token=${QUERY_TOKEN}&tenant=blue`, events: ['*'] },
  ];
};

/** Every way an object can be printed or serialized that an application might log. */
function renderings(value: object): string[] {
  return [
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, customInspect: false }),
    JSON.stringify(value),
    JSON.stringify(Object.entries(value)),
    inspect((value as { options: unknown }).options, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify((value as { options: unknown }).options),
  ];
}

function assertNoSecret(value: object): void {
  for (const text of renderings(value)) {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} shown in:\n${text}`);
  }
}

describe('no secret can be read from a processor or an exporter', () => {
  it('util.inspect and JSON.stringify of a WebhookLogRecordProcessor show none', async () => {
    const r = await receiver();
    for (const options of configurations(r.url)) {
      const processor = new WebhookLogRecordProcessor(options);
      assertNoSecret(processor);
      await processor.shutdown();
    }
  });

  it('util.inspect and JSON.stringify of a WebhookLogRecordExporter show none', async () => {
    const r = await receiver();
    for (const options of configurations(r.url)) {
      const exporter = new WebhookLogRecordExporter(options);
      assertNoSecret(exporter);
      await exporter.shutdown();
    }
  });

  it('processor.options is a frozen copy showing *** for each secret', async () => {
    const r = await receiver();
    const [withUrl, , bearer] = configurations(r.url).map((options) => new WebhookLogRecordProcessor(options));
    assert.ok(withUrl && bearer);
    assert.equal(withUrl.options.signatureKey, '***');
    assert.equal(withUrl.options.authorization, 'Basic ***');
    assert.equal(withUrl.options.url.password, '');
    assert.equal(withUrl.options.url.username, '***');
    assert.deepEqual(bearer.options.headers, { 'X-Api-Key': '***', 'X-Upstream': '***' });
    assert.equal(bearer.options.authorization, 'Bearer ***');
    assert.ok(Object.isFrozen(bearer.options));
    await Promise.all([withUrl.shutdown(), bearer.shutdown()]);
  });

  it('processor.options shows *** for a token in the query string and still sends it', async () => {
    const r = await receiver();
    const processor = new WebhookLogRecordProcessor(configurations(r.url)[4] as WebhookOptions);
    assert.equal(processor.options.url.search, '?access_token=***&tenant=blue');
    const provider = new LoggerProvider({ processors: [processor] });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    assert.equal(request?.path, `/hook?access_token=${QUERY_TOKEN}&tenant=blue`);
  });

  it('exporter.options shows *** for each secret', async () => {
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter(configurations(r.url)[1] as WebhookOptions);
    assert.equal(exporter.options.signatureKey, '***');
    assert.equal(exporter.options.authorization, 'Basic ***');
    await exporter.shutdown();
  });

  it('the processor still sends the real credentials, headers and signature', async () => {
    const r = await receiver();
    const processor = new WebhookLogRecordProcessor(configurations(r.url)[2] as WebhookOptions);
    const provider = new LoggerProvider({ processors: [processor] });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    assert.ok(request);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(request.headers['x-api-key'], HEADER_SECRET);
    assert.equal(request.headers['x-upstream'], `Bearer ${HEADER_TOKEN}`);
    assert.equal(request.headers['x-signature'], createHmac('sha256', SIGNATURE_KEY).update(request.body).digest('base64'));
  });

  it('the exporter still sends the real credentials and signature', async () => {
    const r = await receiver();
    const exporter = new WebhookLogRecordExporter(configurations(r.url)[0] as WebhookOptions);
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    assert.ok(request);
    assert.equal(request.headers.authorization, `Basic ${base64(`jane:${URL_PASSWORD}`)}`);
    assert.equal(request.headers['x-api-key'], HEADER_SECRET);
    assert.equal(request.headers['x-signature'], createHmac('sha256', SIGNATURE_KEY).update(request.body).digest('base64'));
  });

  it('delivery failures through a proxy are logged without the proxy credentials', async () => {
    const messages: string[] = [];
    const log = (...args: unknown[]): void => {
      messages.push(args.join(' '));
    };
    const sink: DiagLogger = { error: log, warn: log, info: log, debug: log, verbose: log };
    diag.setLogger(sink, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
    try {
      const processor = new WebhookLogRecordProcessor({
        id: 'proxied',
        url: 'https://127.0.0.2:9/hook',
        events: ['*'],
        proxy: `http://jane:${PROXY_PASSWORD}@127.0.0.1:9`,
        shutdownTimeoutMillis: 300,
      });
      const provider = new LoggerProvider({ processors: [processor] });
      provider.getLogger('t').emit({ eventName: 'auth.success' });
      await provider.shutdown();
    } finally {
      diag.disable();
    }
    const failures = messages.filter((message) => message.includes('delivery failed'));
    assert.ok(failures.length > 0, messages.join('\n'));
    assert.ok(
      failures.every((message) => message.includes('through proxy http://***@127.0.0.1:9/')),
      failures.join('\n'),
    );
    assert.ok(
      messages.every((message) => !message.includes(PROXY_PASSWORD)),
      messages.join('\n'),
    );
  });
});
