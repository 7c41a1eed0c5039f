import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebhookConfig } from '../../src/config/read-config.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { configError, loose, webhookToml } from '../helpers/config-files.ts';

describe('secrets never appear in errors', () => {
  const secret = 'S3cr3t-Value';
  const cases: Array<{ name: string; run: () => unknown }> = [
    { name: 'signature key of the wrong type', run: () => resolveWebhookOptions(loose({ signatureKey: [secret] })) },
    { name: 'auth secret of the wrong type', run: () => resolveWebhookOptions(loose({ auth: { username: 'u', secret: [secret] } })) },
    { name: 'auth token of the wrong type', run: () => resolveWebhookOptions(loose({ auth: { token: { secret } } })) },
    { name: 'auth token with a line break', run: () => resolveWebhookOptions(loose({ auth: { token: `${secret}\n` } })) },
    {
      name: 'auth token with basic credentials',
      run: () => resolveWebhookOptions(loose({ auth: { username: 'u', secret, token: secret } })),
    },
    { name: 'auth that is not an object', run: () => resolveWebhookOptions(loose({ auth: secret })) },
    { name: 'URL credentials with a wrong scheme', run: () => resolveWebhookOptions(loose({ url: `ftp://user:${secret}@example.org/` })) },
    {
      name: 'URL credentials in an unparsable URL',
      run: () => resolveWebhookOptions(loose({ url: `https://user:${secret}/x@example.org` })),
    },
    {
      name: 'URL object with credentials',
      run: () => resolveWebhookOptions(loose({ url: new URL(`https://user:${secret}@example.org/`) })),
    },
    { name: 'credential header with a bad value', run: () => resolveWebhookOptions(loose({ headers: [`X-Api-Key: ${secret}\u0000`] })) },
    { name: 'credential header with a bad name', run: () => resolveWebhookOptions(loose({ headers: { 'X Auth': secret } })) },
    { name: 'credential header without a colon', run: () => resolveWebhookOptions(loose({ headers: [`X-Auth-Token ${secret}`] })) },
    { name: 'credential header of the wrong type', run: () => resolveWebhookOptions(loose({ headers: { 'X-Token': [secret] } })) },
    {
      name: 'Authorization header with auth set',
      run: () => resolveWebhookOptions(loose({ headers: [`Authorization: ${secret}`], auth: { token: 't' } })),
    },
    { name: 'TOML syntax error next to a secret', run: () => parseWebhookConfig(webhookToml(`signature-key = "${secret}"`, 'timeout = ')) },
    {
      name: 'TOML error in a webhook with a secret',
      run: () => parseWebhookConfig(webhookToml(`signature-key = "${secret}"`, 'timeout = "x"')),
    },
    {
      name: 'TOML auth secret of the wrong type',
      run: () => parseWebhookConfig(webhookToml(`auth = { username = "u", secret = ["${secret}"] }`)),
    },
  ];

  for (const { name, run } of cases) {
    it(name, () => {
      const error = configError(run);
      assert.ok(!error.message.includes(secret), error.message);
      assert.ok(!error.key.includes(secret), error.key);
    });
  }
});
