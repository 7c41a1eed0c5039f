/** Exit code of a command that did what was asked. */
export const EXIT_OK = 0;
/** Exit code of a command that ran but failed: a config error, events not delivered, a refused request. */
export const EXIT_FAILURE = 1;
/** Exit code of a command called wrongly: unknown command or option, missing or bad argument. */
export const EXIT_USAGE = 2;

/** A mistake in how a command was called; reported with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A problem the user can fix (an unreadable file, a port in use); reported as one line,
 * without a stack trace, exit code 1.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** The message starts with its own location (`config.toml:4: …`) and is printed as is. */
  readonly located: boolean;

  constructor(message: string, located = false) {
    super(message);
    this.located = located;
  }
}

/** The message of an error from the system (`ENOENT: no such file…`), without the syscall detail. */
export function systemMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'EADDRINUSE':
      return 'address already in use';
    case 'EADDRNOTAVAIL':
      return 'address not available on this machine';
    default:
      return error.message;
  }
}
