import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/**
 * The package as npm installs it, in a new temporary directory: the build output (tsc →
 * dist/), bin/, examples/ and package.json, with the repository's node_modules linked for
 * its dependencies. Code inside the directory imports it by name (`otel-webhook-exporter`
 * resolves to dist/ by self-reference). Returns the directory; `remove()` deletes it.
 */
export function buildPackage(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'otel-webhook-exporter-package-'));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { stdio: 'pipe' });
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), readFileSync(join(root, 'package.json')));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
