import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { OPTION_KEYS } from '../../src/config/known-options.ts';
import type { WebhookOptions } from '../../src/config/options.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { WebhookLogRecordProcessor } from '../../src/processor.ts';
import { base } from '../helpers/config-files.ts';
import { receivers } from '../helpers/receivers.ts';

const run = promisify(execFile);
const receiver = receivers();
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
const project = fileURLToPath(new URL('../types/tsconfig.json', import.meta.url));

const REQUIRED = ['id', 'url', 'events'];

describe('an optional option given as undefined', () => {
  it('type-checks under exactOptionalPropertyTypes for every optional field of the public option types', async () => {
    try {
      await run(process.execPath, [tsc, '-p', project]);
    } catch (error) {
      assert.fail(`tsc: ${(error as { stdout?: string }).stdout}`);
    }
  });

  it('resolves exactly as the same options without those keys', () => {
    const everyOptional = Object.fromEntries(OPTION_KEYS.filter((key) => !REQUIRED.includes(key)).map((key) => [key, undefined]));
    const given = { ...base, ...everyOptional } as WebhookOptions;
    assert.deepEqual(resolveWebhookOptions(given), resolveWebhookOptions(base));
  });

  it('inside auth and tls, resolves exactly as the same tables without those keys', () => {
    const auth = { username: undefined, secret: undefined, token: 'T0k' };
    const tls = { caFile: undefined, certFile: undefined, key: undefined, serverName: 'hooks.internal', minVersion: undefined };
    assert.deepEqual(
      resolveWebhookOptions({ ...base, auth, tls }),
      resolveWebhookOptions({ ...base, auth: { token: 'T0k' }, tls: { serverName: 'hooks.internal' } }),
    );
  });

  it('signatureKey: undefined sends requests without a signature, as no key does', async () => {
    const r = await receiver();
    const env: NodeJS.ProcessEnv = {};
    const processor = new WebhookLogRecordProcessor({ id: 'ops', url: r.url, events: ['*'], signatureKey: env['WEBHOOK_KEY'] });
    const provider = new LoggerProvider({ processors: [processor] });
    provider.getLogger('t').emit({ eventName: 'auth.success' });
    const [request] = await r.waitForRequests(1);
    await provider.shutdown();
    assert.equal(request?.headers['x-signature'], undefined);
    assert.equal(processor.options.signatureKey, undefined);
  });
});
