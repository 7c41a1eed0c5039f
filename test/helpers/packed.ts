import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The repository root, from this file's place in test/helpers/. */
const root = join(import.meta.dirname, '..', '..');

/** The package's name, as a user imports it. */
const NAME = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name;

/** The package installed in a temporary directory, as a user gets it from the registry. */
export interface PackedInstall {
  /** The temporary directory: a script placed here can `import 'otel-webhook-exporter'`. */
  readonly dir: string;
  /** The extracted package: `<dir>/node_modules/otel-webhook-exporter`. */
  readonly packageDir: string;
  /** Removes the directory (the symlinked dependencies are left alone). */
  cleanup(): void;
}

/** A NUL-terminated field of a tar header. */
function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

/** The `path` record of a pax extended header, if any. */
function paxPath(data: Buffer): string | undefined {
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') return record.slice(eq + 1);
    at += length;
  }
  return undefined;
}

/**
 * Extracts the regular files of an npm tarball (gzip'd ustar, every path under `package/`)
 * into `target`. npm writes nothing else that matters here (no links, no devices).
 */
function extractPackage(tarball: string, target: string): void {
  const tar = gunzipSync(readFileSync(tarball));
  let offset = 0;
  let longPath: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const mode = Number.parseInt(field(header, 100, 8).trim() || '644', 8) & 0o777;
    const prefix = field(header, 345, 155);
    const name = longPath ?? (prefix === '' ? field(header, 0, 100) : `${prefix}/${field(header, 0, 100)}`);
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longPath = paxPath(data);
      continue;
    }
    longPath = undefined;
    if (type !== '0' && type !== '\0' && type !== '5') continue;
    const relative = normalize(name.replace(/^package\//, ''));
    if (relative.startsWith('..') || relative.startsWith(sep)) throw new Error(`unsafe path in ${tarball}: ${name}`);
    const path = join(target, relative);
    if (type === '5') {
      mkdirSync(path, { recursive: true });
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data, { mode });
    }
  }
}

/**
 * Installs the package as a user gets it: `npm pack` (which runs `prepare`, the build) into a
 * temporary directory, the tarball extracted into `<dir>/node_modules/otel-webhook-exporter`,
 * and every other entry of the repository's node_modules (its dependencies, the peer
 * dependencies and their own dependencies) symlinked beside it, so that nothing needs the
 * network. Call it once per test file: it takes a couple of seconds.
 */
export function installPacked(): PackedInstall {
  const dir = mkdtempSync(join(tmpdir(), 'otel-webhook-exporter-packed-'));
  try {
    const packDir = join(dir, 'pack');
    mkdirSync(packDir);
    // npm from PATH, as a user runs it; `prepare` builds dist/ first.
    execFileSync('npm', ['pack', '--pack-destination', packDir, '--silent'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
      timeout: 120_000,
    });
    const tarballs = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    const [tarball] = tarballs;
    if (tarball === undefined || tarballs.length !== 1) throw new Error(`npm pack left ${tarballs.length} tarballs in ${packDir}`);
    const modules = join(dir, 'node_modules');
    const packageDir = join(modules, ...NAME.split('/'));
    mkdirSync(packageDir, { recursive: true });
    extractPackage(join(packDir, tarball), packageDir);
    rmSync(packDir, { recursive: true, force: true });
    const repoModules = join(root, 'node_modules');
    for (const entry of readdirSync(repoModules)) {
      if (entry === NAME || entry.startsWith('.')) continue;
      symlinkSync(join(repoModules, entry), join(modules, entry), 'junction');
    }
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'lifetime-user', private: true, type: 'module' }, null, 2)}\n`);
    return {
      dir,
      packageDir,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
