import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { deliverySettings } from '../../src/config/delivery-settings.ts';
import { redactOptions } from '../../src/config/redacted-options.ts';
import { resolveWebhookOptions } from '../../src/config/resolve-options.ts';
import { base } from '../helpers/config-files.ts';

describe('redactOptions', () => {
  it('replaces the signature key and the credentials of Authorization', () => {
    const view = redactOptions(resolveWebhookOptions({ ...base, signatureKey: 'sig-key', auth: { token: 'tok' } }));
    assert.equal(view.signatureKey, '***');
    assert.equal(view.authorization, 'Bearer ***');
    assert.equal(view.authKind, 'bearer');
  });

  it('replaces Basic credentials from auth and from the URL', () => {
    const fromAuth = redactOptions(resolveWebhookOptions({ ...base, auth: { username: 'u', secret: 'pw' } }));
    const fromUrl = redactOptions(resolveWebhookOptions({ ...base, url: 'https://u:pw@hooks.example.org/x?a=1' }));
    assert.equal(fromAuth.authorization, 'Basic ***');
    assert.equal(fromUrl.authorization, 'Basic ***');
    assert.equal(fromUrl.url.href, 'https://***@hooks.example.org/x?a=1');
  });

  it('masks the values of credential-like query parameters of the URL, keeping the others', () => {
    const view = redactOptions(resolveWebhookOptions({ ...base, url: 'https://hooks.example.org/x?api_key=k3y&tenant=blue' }));
    assert.equal(view.url.href, 'https://hooks.example.org/x?api_key=***&tenant=blue');
    assert.doesNotMatch(inspect(view), /k3y/);
  });

  it('replaces values of credential-like headers and of headers holding a credential', () => {
    const view = redactOptions(
      resolveWebhookOptions({
        ...base,
        headers: { 'X-Api-Key': 'k1', Cookie: 'c=1', 'X-Forwarded': 'Bearer t1', 'X-Team': 'mail' },
      }),
    );
    assert.deepEqual(view.headers, { 'X-Api-Key': '***', Cookie: '***', 'X-Forwarded': '***', 'X-Team': 'mail' });
  });

  it('keeps everything else as configured, frozen', () => {
    const resolved = resolveWebhookOptions({ ...base, throttle: '2s', level: 'warn', signatureKey: 'k' });
    const view = redactOptions(resolved);
    assert.equal(view.throttleMillis, 2_000);
    assert.equal(view.minSeverity, resolved.minSeverity);
    assert.deepEqual(view.events, ['*']);
    assert.ok(Object.isFrozen(view) && Object.isFrozen(view.headers));
    assert.equal(redactOptions(resolveWebhookOptions(base)).signatureKey, undefined);
  });
});

describe('deliverySettings', () => {
  it('gives the engine no secret: the signature key stays with the signing step', () => {
    const settings = deliverySettings(resolveWebhookOptions({ ...base, signatureKey: 'SIG-KEY-1' }));
    assert.ok(!('signatureKey' in settings));
    assert.ok(!inspect(settings, { depth: Number.POSITIVE_INFINITY, showHidden: true }).includes('SIG-KEY-1'));
    assert.ok(!JSON.stringify(settings).includes('SIG-KEY-1'));
    assert.ok(!Object.values(settings).includes('SIG-KEY-1'));
  });
});
