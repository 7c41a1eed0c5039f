import { LEVEL_SEVERITY } from '../records/severity.ts';
import { WebhookConfigError } from './errors.ts';
import { OPTION_KEYS } from './known-options.ts';
import type { OptionErrors } from './option-errors.ts';
import { defaultWebhookSettings, type ResolvedWebhookOptions, type WebhookOptions } from './options.ts';
import { codeLocate, describe, fail, isRecord, isString, type Locate, type Place, show } from './place.ts';
import { resolveProxy } from './proxy-options.ts';
import { resolveAuth } from './resolve-auth.ts';
import { resolveHeaders } from './resolve-headers.ts';
import {
  isFunction,
  isLevel,
  isMeterProvider,
  optional,
  rejectUnknownKeys,
  requiredString,
  resolveBoolean,
  resolveDuration,
  resolveEvents,
  resolveInteger,
  resolveUrl,
} from './resolve-values.ts';
import { resolveSigning } from './signing-options.ts';
import { resolveTls } from './tls-options.ts';

/**
 * Validates options given in code and applies the defaults. Throws a
 * {@link WebhookConfigError} naming the option and the offending value (never a secret).
 */
export function resolveWebhookOptions(options: WebhookOptions): ResolvedWebhookOptions {
  return resolve(options, codeLocate(options));
}

/** {@link resolveWebhookOptions} with errors naming options as `locate` says. */
export function resolve(input: unknown, locate: Locate): ResolvedWebhookOptions {
  if (!isRecord(input)) fail(locate('options'), 'ERR_WEBHOOK_INVALID_TYPE', ` must be an object, got ${show(input)}`);
  rejectUnknownKeys(input, OPTION_KEYS, '', locate);
  const defaults = defaultWebhookSettings();
  const id = requiredString(input, 'id', locate);
  const url = resolveUrl(input['url'], locate);
  const events = resolveEvents(input['events'], locate);
  const timeoutMillis = resolveDuration(input, 'timeout', 'timeoutMillis', defaults.timeoutMillis, locate);
  const throttleMillis = resolveDuration(input, 'throttle', 'throttleMillis', defaults.throttleMillis, locate);
  const discardAfterMillis = resolveDuration(input, 'discardAfter', 'discardAfterMillis', defaults.discardAfterMillis, locate);
  const retryMaxMillis = resolveDuration(input, 'retryMax', 'retryMaxMillis', defaults.retryMaxMillis, locate);
  const shutdownTimeoutMillis = resolveDuration(input, 'shutdownTimeout', 'shutdownTimeoutMillis', defaults.shutdownTimeoutMillis, locate);
  const errors: OptionErrors = {
    fail: (option, code, problem) => fail(locate(option), code, problem),
    name: (option) => locate(option).key,
  };
  const { signatureScheme, signatureKey } = resolveSigning(input, errors);
  const { authorization, authKind } = resolveAuth(input['auth'], url, locate);
  const spoolDir = optional(input['spoolDir'], locate('spoolDir'), isString, 'a string', false);
  if (spoolDir === '') fail(locate('spoolDir'), 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
  const level = optional(input['level'], locate('level'), isString, 'a string', false);
  if (level !== undefined && !isLevel(level)) {
    fail(locate('level'), 'ERR_WEBHOOK_INVALID_VALUE', ` must be one of ${Object.keys(LEVEL_SEVERITY).join(', ')}, got ${show(level)}`);
  }
  const spoolSync = optional(input['spoolSync'], locate('spoolSync'), isString, 'a string', false) ?? defaults.spoolSync;
  if (spoolSync !== 'batch' && spoolSync !== 'event') {
    fail(locate('spoolSync'), 'ERR_WEBHOOK_INVALID_VALUE', ` must be "batch" or "event", got ${show(spoolSync)}`);
  }
  const hasFsyncInterval = input['spoolFsyncInterval'] !== undefined || input['spoolFsyncIntervalMillis'] !== undefined;
  const spoolFsyncIntervalMillis = hasFsyncInterval
    ? resolveDuration(input, 'spoolFsyncInterval', 'spoolFsyncIntervalMillis', 0, locate)
    : undefined;
  const eventType = optional(input['eventType'], locate('eventType'), isFunction, 'a function', false);
  return Object.freeze({
    id,
    url,
    events,
    timeoutMillis,
    throttleMillis,
    signatureKey,
    signatureScheme,
    proxy: resolveProxy(input['proxy'], errors),
    tls: resolveTls(input['tls'], errors),
    headers: resolveHeaders(input['headers'], authKind !== 'none', locate('headers')),
    allowInvalidCerts: resolveBoolean(input, 'allowInvalidCerts', defaults.allowInvalidCerts, locate),
    authorization,
    authKind,
    lossy: resolveBoolean(input, 'lossy', defaults.lossy, locate),
    discardAfterMillis,
    enable: resolveBoolean(input, 'enable', defaults.enable, locate),
    minSeverity: level === undefined ? 0 : LEVEL_SEVERITY[level],
    level,
    maxBatchEvents: resolveInteger(input, 'maxBatchEvents', 1, defaults.maxBatchEvents, locate),
    maxBatchBytes: resolveInteger(input, 'maxBatchBytes', 1024, defaults.maxBatchBytes, locate),
    retryMaxMillis,
    shutdownTimeoutMillis,
    deliverOnExit: resolveBoolean(input, 'deliverOnExit', defaults.deliverOnExit, locate),
    maxQueueEvents: resolveInteger(input, 'maxQueueEvents', 1, defaults.maxQueueEvents, locate),
    maxQueueBytes: resolveInteger(input, 'maxQueueBytes', 1024, defaults.maxQueueBytes, locate),
    spoolDir,
    spoolMaxBytes: resolveInteger(input, 'spoolMaxBytes', 65_536, defaults.spoolMaxBytes, locate),
    spoolSync,
    spoolFsyncIntervalMillis,
    eventType,
    ca: resolveCa(input['ca'], locate('ca')),
    selfObsMeterProvider: optional(
      input['selfObsMeterProvider'],
      locate('selfObsMeterProvider'),
      isMeterProvider,
      'a MeterProvider',
      false,
    ),
  });
}

export function resolveCa(value: unknown, place: Place): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (!list.every(isString)) fail(place, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a PEM string or an array of them, got ${describe(value)}`);
  if (list.includes('')) fail(place, 'ERR_WEBHOOK_INVALID_VALUE', ' must not contain an empty certificate');
  return Object.freeze(list as string[]);
}

/** Throws ERR_WEBHOOK_DUPLICATE_ID when two webhooks share an id. */
export function assertUniqueIds(options: readonly WebhookOptions[]): void {
  const seen = new Set<string>();
  for (const { id } of options) {
    if (seen.has(id)) {
      throw new WebhookConfigError('ERR_WEBHOOK_DUPLICATE_ID', 'id', `id ${JSON.stringify(id)} is used by more than one webhook`);
    }
    seen.add(id);
  }
}
