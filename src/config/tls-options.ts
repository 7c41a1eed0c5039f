import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { closestKey } from './known-options.ts';
import { isPlainRecord, kindOf, type OptionErrors } from './option-errors.ts';
import type { ResolvedTlsOptions, WebhookTlsOptions, WebhookTlsVersion } from './tls-option-types.ts';

/** TOML keys of `[webhook."<id>".tls]` → option names. */
export const TLS_TOML_KEYS: ReadonlyMap<string, keyof WebhookTlsOptions> = new Map([
  ['ca-file', 'caFile'],
  ['cert-file', 'certFile'],
  ['key-file', 'keyFile'],
  ['ca', 'ca'],
  ['cert', 'cert'],
  ['key', 'key'],
  ['server-name', 'serverName'],
  ['min-version', 'minVersion'],
]);

/** Every key of {@link WebhookTlsOptions}. */
export const TLS_KEYS: readonly string[] = Object.freeze([...TLS_TOML_KEYS.values()]);

const VERSIONS: readonly WebhookTlsVersion[] = ['TLSv1.2', 'TLSv1.3'];

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** A file's text; an unreadable file is an error naming the option and the path (never the content). */
function readPem(path: string, option: string, errors: OptionErrors): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : (code ?? 'unreadable');
    return errors.fail(option, 'ERR_WEBHOOK_INVALID_VALUE', `: cannot read ${JSON.stringify(path)} (${reason})`);
  }
}

/** A PEM value given either as text (`textOption`) or as a file (`fileOption`), not both. */
interface PemSource {
  readonly pem: string | undefined;
  readonly file: string | undefined;
  /** The option it came from, for errors. */
  readonly option: string;
}

function pemSource(
  tls: Readonly<Record<string, unknown>>,
  textOption: string,
  fileOption: string,
  errors: OptionErrors,
  secret: boolean,
): PemSource {
  const text = tls[textOption];
  const file = tls[fileOption];
  if (text !== undefined && file !== undefined) {
    errors.fail(`tls.${textOption}`, 'ERR_WEBHOOK_INVALID_VALUE', ` cannot be combined with ${errors.name(`tls.${fileOption}`)}`);
  }
  if (file !== undefined) {
    if (typeof file !== 'string' || file === '') {
      errors.fail(
        `tls.${fileOption}`,
        'ERR_WEBHOOK_INVALID_TYPE',
        ` must be a file path, got ${typeof file === 'string' ? '""' : kindOf(file)}`,
      );
    }
    return { pem: readPem(file, `tls.${fileOption}`, errors), file, option: `tls.${fileOption}` };
  }
  if (text === undefined) return { pem: undefined, file: undefined, option: `tls.${textOption}` };
  const texts: unknown[] = textOption === 'ca' && Array.isArray(text) ? text : [text];
  const bad = texts.find((item) => typeof item !== 'string');
  if (bad !== undefined || texts.length === 0) {
    const expected = textOption === 'ca' ? 'PEM text or a list of PEM texts' : 'PEM text';
    errors.fail(`tls.${textOption}`, 'ERR_WEBHOOK_INVALID_TYPE', ` must be ${expected}, got ${kindOf(secret ? text : (bad ?? text))}`);
  }
  if (texts.includes('')) errors.fail(`tls.${textOption}`, 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
  return { pem: (texts as string[]).join('\n'), file: undefined, option: `tls.${textOption}` };
}

/** Throws unless `pem` holds at least one certificate and every certificate in it parses. */
function checkCertificates(pem: string, option: string, errors: OptionErrors): void {
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) errors.fail(option, 'ERR_WEBHOOK_INVALID_VALUE', ' holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      errors.fail(option, 'ERR_WEBHOOK_INVALID_VALUE', `: certificate ${index + 1} is not a valid PEM certificate`);
    }
  }
}

/** Throws unless OpenSSL accepts the value; OpenSSL's own message never quotes the PEM. */
function checkContext(options: { cert?: string; key?: string }, option: string, what: string, errors: OptionErrors): void {
  try {
    createSecureContext(options);
  } catch (error) {
    const reason =
      String((error as Error).message)
        .split('::')
        .pop() ?? '';
    errors.fail(option, 'ERR_WEBHOOK_INVALID_VALUE', ` ${what}${reason === '' ? '' : ` (${reason})`}`);
  }
}

function optionalString(tls: Readonly<Record<string, unknown>>, option: string, errors: OptionErrors): string | undefined {
  const value = tls[option];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') errors.fail(`tls.${option}`, 'ERR_WEBHOOK_INVALID_TYPE', ` must be a string, got ${kindOf(value)}`);
  if (value === '') errors.fail(`tls.${option}`, 'ERR_WEBHOOK_INVALID_VALUE', ' must not be empty');
  return value;
}

/**
 * `tls`: reads the files, checks every PEM (certificates parse, the key matches the
 * certificate), and returns the settings frozen. The private key is never shown.
 */
export function resolveTls(value: unknown, errors: OptionErrors): ResolvedTlsOptions | undefined {
  if (value === undefined) return undefined;
  if (!isPlainRecord(value)) return errors.fail('tls', 'ERR_WEBHOOK_INVALID_TYPE', ` must be an object, got ${kindOf(value)}`);
  for (const key of Object.keys(value)) {
    if (TLS_KEYS.includes(key)) continue;
    const best = closestKey(key, TLS_KEYS);
    errors.fail(`tls.${key}`, 'ERR_WEBHOOK_UNKNOWN_KEY', `: unknown option${best === undefined ? '' : `, did you mean "${best}"?`}`);
  }
  const ca = pemSource(value, 'ca', 'caFile', errors, false);
  const cert = pemSource(value, 'cert', 'certFile', errors, false);
  const key = pemSource(value, 'key', 'keyFile', errors, true);
  if (ca.pem !== undefined) checkCertificates(ca.pem, ca.option, errors);
  if (cert.pem !== undefined) {
    checkCertificates(cert.pem, cert.option, errors);
  }
  if (key.pem !== undefined) checkContext({ key: key.pem }, key.option, 'is not a valid unencrypted PEM private key', errors);
  if (cert.pem !== undefined && key.pem === undefined) {
    errors.fail(
      'tls.key',
      'ERR_WEBHOOK_MISSING_KEY',
      `: missing, ${errors.name(cert.option)} needs the private key (${errors.name('tls.key')} or ${errors.name('tls.keyFile')})`,
    );
  }
  if (key.pem !== undefined && cert.pem === undefined) {
    errors.fail(
      'tls.cert',
      'ERR_WEBHOOK_MISSING_KEY',
      `: missing, ${errors.name(key.option)} needs the certificate (${errors.name('tls.cert')} or ${errors.name('tls.certFile')})`,
    );
  }
  if (cert.pem !== undefined && key.pem !== undefined) {
    checkContext({ cert: cert.pem, key: key.pem }, key.option, 'does not belong to the certificate', errors);
  }
  const serverName = optionalString(value, 'serverName', errors);
  const minVersion = value['minVersion'];
  if (minVersion !== undefined && !VERSIONS.includes(minVersion as WebhookTlsVersion)) {
    const shown = typeof minVersion === 'string' ? JSON.stringify(minVersion) : kindOf(minVersion);
    errors.fail('tls.minVersion', 'ERR_WEBHOOK_INVALID_VALUE', ` must be "TLSv1.2" or "TLSv1.3", got ${shown}`);
  }
  return Object.freeze({
    ca: ca.pem === undefined ? undefined : Object.freeze([ca.pem]),
    caFile: ca.file,
    cert: cert.pem,
    certFile: cert.file,
    key: key.pem,
    keyFile: key.file,
    serverName,
    minVersion: minVersion as WebhookTlsVersion | undefined,
  });
}
