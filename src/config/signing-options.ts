import { secretProblem } from '../http/standard-webhooks.ts';
import { kindOf, type OptionErrors } from './option-errors.ts';
import type { ResolvedWebhookOptions, WebhookSignatureScheme } from './options.ts';

const SCHEMES: readonly WebhookSignatureScheme[] = ['stalwart', 'standard-webhooks'];

function isScheme(value: unknown): value is WebhookSignatureScheme {
  return SCHEMES.includes(value as WebhookSignatureScheme);
}

/**
 * `signatureScheme` and `signatureKey`: a Stalwart key is any non-empty string; Standard
 * Webhooks wants one `whsec_` secret or a list of them. Key values are never shown in errors.
 */
export function resolveSigning(
  input: Readonly<Record<string, unknown>>,
  errors: OptionErrors,
): Pick<ResolvedWebhookOptions, 'signatureScheme' | 'signatureKey'> {
  const scheme = input['signatureScheme'] ?? 'stalwart';
  if (!isScheme(scheme)) {
    const shown = typeof scheme === 'string' ? JSON.stringify(scheme) : kindOf(scheme);
    errors.fail('signatureScheme', 'ERR_WEBHOOK_INVALID_VALUE', ` must be "stalwart" or "standard-webhooks", got ${shown}`);
  }
  const value = input['signatureKey'];
  if (value === undefined) {
    if (scheme === 'standard-webhooks') {
      errors.fail(
        'signatureKey',
        'ERR_WEBHOOK_MISSING_KEY',
        `: missing, ${errors.name('signatureScheme')} = "standard-webhooks" needs a whsec_ secret`,
      );
    }
    return { signatureScheme: scheme, signatureKey: undefined };
  }
  const list = Array.isArray(value);
  if (list && scheme !== 'standard-webhooks') {
    errors.fail(
      'signatureKey',
      'ERR_WEBHOOK_INVALID_TYPE',
      ` may be a list only with ${errors.name('signatureScheme')} = "standard-webhooks"`,
    );
  }
  const keys: unknown[] = list ? value : [value];
  if (list && keys.length === 0) errors.fail('signatureKey', 'ERR_WEBHOOK_INVALID_VALUE', ' must list at least one key');
  for (const [index, key] of keys.entries()) {
    const at = list ? ` at index ${index}` : '';
    if (typeof key !== 'string') {
      const expected = scheme === 'standard-webhooks' ? 'a whsec_ secret or a list of them' : 'a string';
      errors.fail('signatureKey', 'ERR_WEBHOOK_INVALID_TYPE', ` must be ${expected}, got ${kindOf(key)}${at}`);
    }
    if (key === '') errors.fail('signatureKey', 'ERR_WEBHOOK_INVALID_VALUE', ` must not be empty${at}`);
    const problem = scheme === 'standard-webhooks' ? secretProblem(key) : undefined;
    if (problem !== undefined) errors.fail('signatureKey', 'ERR_WEBHOOK_INVALID_VALUE', `${at} ${problem}`);
  }
  const signatureKey = list ? Object.freeze([...(keys as string[])]) : (value as string);
  return { signatureScheme: scheme, signatureKey };
}
