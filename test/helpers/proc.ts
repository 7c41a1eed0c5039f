import { readFileSync } from 'node:fs';
import { becomesTrue } from './poll.ts';

/** True where `/proc` shows processes with their start times (Linux). */
export const hasProc: boolean = process.platform === 'linux' && readProc(process.pid) !== undefined;

/** State letter and start time (field 22) of a process, read from `/proc/<pid>/stat`; undefined when it is gone. */
export function readProc(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] as string, startTime: fields[19] as string };
}

export function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
}

/** The content of a lock file naming `pid` with the given start time (and this boot). */
export function lockNaming(pid: number, startTime: string | bigint, boot: string = bootId()): string {
  return `${pid} ${startTime} ${boot}\n`;
}

/** Waits until `/proc` shows `pid` in `state`; throws after `timeoutMillis`. */
export async function waitForState(pid: number, state: string, timeoutMillis = 10_000): Promise<void> {
  if (await becomesTrue(() => readProc(pid)?.state === state, timeoutMillis)) return;
  throw new Error(`process ${pid} is not in state ${state}: ${JSON.stringify(readProc(pid))}`);
}

/** Waits until process `pid` runs the command `name` (after an `exec`); throws after `timeoutMillis`. */
export async function waitForCommand(pid: number, name: string, timeoutMillis = 10_000): Promise<void> {
  const comm = (): string | undefined => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'latin1').trim();
    } catch {
      return undefined;
    }
  };
  if (await becomesTrue(() => comm() === name, timeoutMillis)) return;
  throw new Error(`process ${pid} does not run ${name}: ${comm()}`);
}
