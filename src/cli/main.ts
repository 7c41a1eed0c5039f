import { runDemo } from './demo.ts';

const USAGE = `Usage: otel-webhooks <command>

Commands:
  demo    run the example config against embedded receivers and show what arrives
`;

/** Runs the CLI with `args` (without node and the script); resolves to the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const [command] = args;
  switch (command) {
    case 'demo':
      return runDemo((line) => process.stdout.write(`${line}\n`));
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`otel-webhooks: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
