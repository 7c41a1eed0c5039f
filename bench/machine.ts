import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';

/** Where and with what a benchmark ran. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  /** One-minute load average when the run started (the machine may be shared). */
  readonly load: string;
  /** File system type of the temporary directory, where the spools are. */
  readonly tmpFileSystem: string;
  readonly node: string;
  /** Versions of the packages on the measured paths. */
  readonly packages: Readonly<Record<string, string>>;
  readonly date: string;
}

const MEASURED_PACKAGES = ['@opentelemetry/sdk-logs', '@opentelemetry/exporter-logs-otlp-http', 'undici'];

function installedVersion(name: string): string {
  try {
    const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The type of the file system mounted at the longest prefix of `path` (Linux), or `unknown`. */
function fileSystemOf(path: string): string {
  try {
    let best = { at: '', type: 'unknown' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, at, fsType] = line.split(' ');
      if (at === undefined || fsType === undefined) continue;
      const inside = path === at || path.startsWith(at.endsWith('/') ? at : `${at}/`);
      if (inside && at.length >= best.at.length) best = { at, type: fsType };
    }
    return best.type;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    os: `${type()} ${release()}`,
    load: (loadavg()[0] ?? 0).toFixed(2),
    tmpFileSystem: fileSystemOf(tmpdir()),
    node: process.version,
    packages: Object.fromEntries(MEASURED_PACKAGES.map((name) => [name, installedVersion(name)])),
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  };
}
