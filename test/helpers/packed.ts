import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root, from this file's place in test/helpers/. */
const root = join(import.meta.dirname, '..', '..');

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly files: readonly string[];
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

/** The package installed in a temporary directory, as a user gets it from the registry. */
export interface PackedInstall {
  /** The temporary directory: a script placed here can `import 'otel-webhook-exporter'`. */
  readonly dir: string;
  /** The extracted package: `<dir>/node_modules/otel-webhook-exporter`. */
  readonly packageDir: string;
  /** Every file of the tarball, relative to the package root, `/`-separated. */
  readonly files: readonly string[];
  /** Removes the directory (the symlinked dependencies are left alone). */
  cleanup(): void;
}

/** Files npm puts in every tarball whatever `files` says. */
const ALWAYS = ['package.json', 'README.md', 'LICENSE'];

/**
 * A copy of what `npm pack` reads (package.json, the `files` entries, the build configs),
 * built there with the repository's TypeScript into its own `dist/`: packing never touches
 * the repository's `dist/`, so test files that pack at the same time cannot disturb each other.
 */
function stage(into: string): void {
  for (const entry of [...ALWAYS, ...manifest.files, 'tsconfig.json', 'tsconfig.build.json']) {
    if (entry === 'dist') continue;
    const from = join(root, entry);
    if (existsSync(from)) cpSync(from, join(into, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(into, 'node_modules'), 'junction');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(into, 'tsconfig.build.json')], { stdio: 'pipe' });
}

/**
 * Installs the package as a user gets it: built and packed with `npm pack` in a staging copy,
 * the tarball extracted into `<dir>/node_modules/otel-webhook-exporter`, and every other entry
 * of the repository's node_modules (dependencies, peer dependencies and theirs) symlinked
 * beside it, so that nothing needs the network. Call it once per test file: it takes a couple
 * of seconds.
 */
export function installPacked(): PackedInstall {
  const dir = mkdtempSync(join(tmpdir(), 'otel-webhook-exporter-packed-'));
  try {
    const staging = join(dir, 'staging');
    mkdirSync(staging);
    stage(staging);
    const packDir = join(dir, 'pack');
    mkdirSync(packDir);
    // npm from PATH, as a user runs it; the build already happened in the staging copy.
    const listing = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
      cwd: staging,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    const [packed] = JSON.parse(listing) as [{ filename: string; files: { path: string }[] }];
    const modules = join(dir, 'node_modules');
    const packageDir = join(modules, ...manifest.name.split('/'));
    mkdirSync(packageDir, { recursive: true });
    execFileSync('tar', ['-xzf', join(packDir, packed.filename), '-C', packageDir, '--strip-components=1'], { stdio: 'pipe' });
    rmSync(staging, { recursive: true, force: true });
    rmSync(packDir, { recursive: true, force: true });
    const repoModules = join(root, 'node_modules');
    for (const entry of readdirSync(repoModules)) {
      if (entry === manifest.name || entry.startsWith('.')) continue;
      symlinkSync(join(repoModules, entry), join(modules, entry), 'junction');
    }
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'package-user', private: true, type: 'module' }, null, 2)}\n`);
    return {
      dir,
      packageDir,
      files: packed.files.map((file) => file.path),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
