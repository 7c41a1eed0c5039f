import { readFileSync } from 'node:fs';

/**
 * What identifies a running process beyond its pid on Linux: its start time (field 22 of
 * `/proc/<pid>/stat`, in clock ticks since boot) and the boot it runs in. A pid can be reused;
 * the pair pid + start time within one boot cannot.
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** Clock ticks since boot, as written in `/proc/<pid>/stat`; undefined without `/proc`. */
  readonly startTime: string | undefined;
  /** `/proc/sys/kernel/random/boot_id`; undefined where the kernel does not tell it. */
  readonly bootId: string | undefined;
}

/** Why a lock owner is not running any more, or `alive`. */
export type Liveness = 'alive' | 'gone' | 'zombie' | 'reused' | 'rebooted';

interface ProcStat {
  /** One letter: `R`, `S`, `D`, `Z` (zombie: exited, not yet reaped), `X` (dead), … */
  readonly state: string;
  readonly startTime: string;
}

const BOOT_ID = /^[0-9a-f-]{1,64}$/;
const DIGITS = /^\d{1,20}$/;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Parses `/proc/<pid>/stat`: `pid (comm) state ppid … starttime …`. The command name may hold
 * spaces and parentheses, so fields are counted from the last `)`: state is the first field
 * after it (field 3), the start time the 20th (field 22).
 */
function parseProcStat(text: string): (ProcStat & { readonly pid: number }) | undefined {
  const close = text.lastIndexOf(')');
  const open = text.indexOf(' (');
  if (close < 0 || open < 0 || open > close) return undefined;
  const pid = text.slice(0, open);
  const fields = text.slice(close + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  if (!DIGITS.test(pid) || state === undefined || state.length !== 1 || startTime === undefined || !DIGITS.test(startTime)) {
    return undefined;
  }
  return { pid: Number(pid), state, startTime };
}

/** The stat of a process, or undefined when it cannot be read (no such process, no `/proc`, hidden by `hidepid`). */
function readProcStat(pid: number | 'self'): (ProcStat & { readonly pid: number }) | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

function readBootId(): string | undefined {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
    return BOOT_ID.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

let own: ProcessIdentity | undefined;

/**
 * This process. The start time is known only when `/proc` shows this process under its own
 * pid (a `/proc` of another pid namespace would name other processes).
 */
export function ownIdentity(): ProcessIdentity {
  if (own === undefined) {
    const stat = readProcStat('self');
    const usable = stat !== undefined && stat.pid === process.pid;
    own = { pid: process.pid, startTime: usable ? stat.startTime : undefined, bootId: usable ? readBootId() : undefined };
  }
  return own;
}

/** `kill(pid, 0)`: true when a process with that pid exists (a zombie included), even one we may not signal. */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Whether the process that wrote a lock still runs. With `/proc`: not when its pid is gone,
 * a zombie or dead (`Z`, `X`), started at another time than recorded (the pid was reused), or
 * the lock was written in an earlier boot. Without a recorded start time (a lock of an earlier
 * version), or where `/proc` does not show the process, the pid alone decides
 * (`kill(pid, 0)`), still with the zombie check when `/proc` shows one.
 */
export function ownerLiveness(owner: ProcessIdentity): Liveness {
  const self = ownIdentity();
  if (owner.bootId !== undefined && self.bootId !== undefined && owner.bootId !== self.bootId) return 'rebooted';
  const stat = self.startTime === undefined ? undefined : readProcStat(owner.pid);
  if (stat === undefined) return pidExists(owner.pid) ? 'alive' : 'gone';
  if (stat.state === 'Z' || stat.state === 'X') return 'zombie';
  if (owner.startTime !== undefined && owner.startTime !== stat.startTime) return 'reused';
  return 'alive';
}
