/**
 * CPU profiles of a measured part: started and stopped in the scenario process through the
 * inspector (so record generation and warm-up stay out of it), read back by the runner as the
 * functions with the most self time.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Starts sampling; `stop()` writes the profile (`.cpuprofile` JSON) to `path`. */
export async function startProfile(path: string): Promise<{ stop(): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
      session.disconnect();
      writeFileSync(path, JSON.stringify(profile));
    },
  };
}

export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly millis: number;
  readonly share: number;
}

/** Where a script is, without the machine's directories: from `node_modules/` or the last two parts. */
function shortPlace(url: string, line: number): string {
  if (url === '') return '';
  const modules = url.lastIndexOf('node_modules/');
  const path = modules === -1 ? url.split('/').slice(-2).join('/') : url.slice(modules + 'node_modules/'.length);
  return `${path}:${line + 1}`;
}

/** The `count` functions with the most self time (idle and program time left out of the shares). */
export function topSelfTime(profile: Profile, count: number): SelfTime[] {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const totals = new Map<string, { name: string; where: string; micros: number }>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    const micros = profile.timeDeltas[i] ?? 0;
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    // Idle time, and the profiler's own work (stopping it serializes the profile), are not the run's.
    if (functionName === '(idle)' || functionName === '(program)' || url.startsWith('node:inspector')) return;
    busy += micros;
    // Built-in code has no script: name it by the function that called it.
    const caller = url === '' ? parents.get(id)?.callFrame : undefined;
    const called = caller === undefined || caller.functionName === '(root)' ? '' : `, called from ${caller.functionName || '(anonymous)'}`;
    const where = caller === undefined || caller.url === '' ? shortPlace(url, lineNumber) : shortPlace(caller.url, caller.lineNumber);
    const key = `${functionName}|${url}|${lineNumber}|${called}|${where}`;
    const entry = totals.get(key) ?? { name: `${functionName || '(anonymous)'}${called}`, where, micros: 0 };
    entry.micros += micros;
    totals.set(key, entry);
  });
  return [...totals.values()]
    .sort((a, b) => b.micros - a.micros)
    .slice(0, count)
    .map((entry) => ({ name: entry.name, where: entry.where, millis: entry.micros / 1000, share: entry.micros / Math.max(1, busy) }));
}
