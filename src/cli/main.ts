import { WebhookConfigError } from '../config/errors.ts';
import { VERSION } from '../http/version.ts';
import { WebhookSpoolError } from '../spool/errors.ts';
import { wantsHelp } from './args.ts';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';
import type { CliIo } from './output.ts';
import { SERVE_USAGE } from './serve-usage.ts';
import { CHECK_USAGE, DEMO_USAGE, EVENTS_USAGE, LISTEN_USAGE, MAIN_USAGE, SEND_USAGE } from './usage.ts';

type Run = (args: readonly string[], io: CliIo) => Promise<number>;

interface Command {
  readonly usage: string;
  /** Loads the command's module only when it runs: `events` need not load the HTTP client. */
  readonly load: () => Promise<Run>;
}

async function runDemoCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args[0])}`);
  const { runDemo } = await import('./demo.ts');
  return runDemo((line) => io.stdout.write(`${line}\n`));
}

const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['check', { usage: CHECK_USAGE, load: async () => (await import('./check.ts')).runCheck }],
  ['listen', { usage: LISTEN_USAGE, load: async () => (await import('./listen.ts')).runListen }],
  ['send', { usage: SEND_USAGE, load: async () => (await import('./send.ts')).runSend }],
  ['serve', { usage: SERVE_USAGE, load: async () => (await import('./serve.ts')).runServe }],
  ['events', { usage: EVENTS_USAGE, load: async () => (await import('./events.ts')).runEvents }],
  ['demo', { usage: DEMO_USAGE, load: async () => runDemoCommand }],
]);

/** Runs `command`, turning user errors into one-line messages and exit codes. */
async function runCommand(name: string, command: Command, args: readonly string[], io: CliIo): Promise<number> {
  if (wantsHelp(args)) {
    io.stdout.write(command.usage);
    return EXIT_OK;
  }
  try {
    const run = await command.load();
    return await run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`otel-webhooks ${name}: ${error.message}\nRun \`otel-webhooks ${name} --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    if (error instanceof CliError) {
      io.stderr.write(error.located ? `${error.message}\n` : `otel-webhooks ${name}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    if (error instanceof WebhookConfigError || error instanceof WebhookSpoolError) {
      io.stderr.write(`otel-webhooks ${name}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    // Anything else is a bug: keep the stack for the report.
    io.stderr.write(
      `otel-webhooks ${name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_FAILURE;
  }
}

/** Runs the CLI with `args` (without node and the script); resolves to the exit code. */
export async function main(args: readonly string[], io: CliIo = process): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    io.stderr.write(MAIN_USAGE);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.get(rest[0]);
    io.stdout.write(topic?.usage ?? MAIN_USAGE);
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.get(name);
  if (command === undefined) {
    io.stderr.write(`otel-webhooks: unknown command ${JSON.stringify(name)}\n\n${MAIN_USAGE}`);
    return EXIT_USAGE;
  }
  return runCommand(name, command, rest, io);
}

// Output piped into a reader that stops early (`| head`) ends quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? EXIT_OK);
});

process.exitCode = await main(process.argv.slice(2));
