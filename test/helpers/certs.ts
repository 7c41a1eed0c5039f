import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const folder = join(import.meta.dirname, '..', 'fixtures', 'tls');

/** The path of a file under test/fixtures/tls/. */
export function tlsFixture(name: string): string {
  return join(folder, name);
}

/** The self-signed `localhost` / `127.0.0.1` test certificate (PEM). */
export const TEST_CERT: string = readFileSync(join(folder, 'cert.pem'), 'utf8');

/** The private key of {@link TEST_CERT} (PEM). */
export const TEST_KEY: string = readFileSync(join(folder, 'key.pem'), 'utf8');

/** The test CA that signed the server and client certificates below (PEM). */
export const TEST_CA: string = readFileSync(join(folder, 'ca.pem'), 'utf8');

/** Server certificate for `hooks.test` and `127.0.0.2`, signed by {@link TEST_CA}. */
export const SERVER_CERT: string = readFileSync(join(folder, 'server-cert.pem'), 'utf8');
export const SERVER_KEY: string = readFileSync(join(folder, 'server-key.pem'), 'utf8');

/** Client certificate (`CN=otel-webhook-client`), signed by {@link TEST_CA}. */
export const CLIENT_CERT: string = readFileSync(join(folder, 'client-cert.pem'), 'utf8');
export const CLIENT_KEY: string = readFileSync(join(folder, 'client-key.pem'), 'utf8');
