import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const RESULTS_START = '<!-- bench:results:start (written by `npm run bench`; edit outside these markers) -->';
export const RESULTS_END = '<!-- bench:results:end -->';

const NEW_FILE_HEAD = `# Benchmarks

Run \`npm run bench\` (a few minutes) to measure again and rewrite the results below;
\`npm run bench -- --quick\` runs a reduced version in under a minute and only prints.

`;

/**
 * Puts `results` between the result markers of the file at `path`, keeping everything outside
 * them (such as the record of past improvements); creates the file when it does not exist.
 */
export function writeResults(path: string, results: string): void {
  const block = `${RESULTS_START}\n\n${results.trim()}\n\n${RESULTS_END}`;
  if (!existsSync(path)) {
    writeFileSync(path, `${NEW_FILE_HEAD}${block}\n`);
    return;
  }
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(RESULTS_START);
  const end = text.indexOf(RESULTS_END);
  if (start === -1 || end < start) {
    writeFileSync(path, `${text.trimEnd()}\n\n${block}\n`);
    return;
  }
  writeFileSync(path, `${text.slice(0, start)}${block}${text.slice(end + RESULTS_END.length)}`);
}
