import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const folder = join(import.meta.dirname, '..', 'fixtures', 'tls');

/** The self-signed `localhost` / `127.0.0.1` test certificate (PEM). */
export const TEST_CERT: string = readFileSync(join(folder, 'cert.pem'), 'utf8');

/** The private key of {@link TEST_CERT} (PEM). */
export const TEST_KEY: string = readFileSync(join(folder, 'key.pem'), 'utf8');
