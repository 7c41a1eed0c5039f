import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { LineTooLongError, readLines } from '../../src/cli/read-lines.ts';

async function lines(chunks: readonly (string | Buffer)[], maxLineBytes = 1_000): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(Readable.from(chunks, { objectMode: true }), maxLineBytes)) out.push(line);
  return out;
}

describe('reading input lines', () => {
  it('splits at line feeds across chunks, keeps a last line without one, leaves \\r to the caller', async () => {
    assert.deepEqual(await lines(['{"a":', '1}\n{"b"', ':2}\r\n\n', 'tail']), ['{"a":1}', '{"b":2}\r', '', 'tail']);
  });

  it('decodes a character split between chunks', async () => {
    const bytes = Buffer.from('naïve ✓\n');
    assert.deepEqual(await lines([bytes.subarray(0, 3), bytes.subarray(3, 9), bytes.subarray(9)]), ['naïve ✓']);
  });

  it('takes a line of exactly the limit and refuses a longer one, naming it', async () => {
    assert.deepEqual(await lines([`${'x'.repeat(10)}\n`], 10), ['x'.repeat(10)]);
    await assert.rejects(
      lines(['ok\n', 'x'.repeat(6), 'x'.repeat(6), '\n'], 10),
      (error: unknown) => error instanceof LineTooLongError && error.lineNumber === 2 && error.message === 'line 2 is longer than 10 bytes',
    );
  });

  it('stops reading endless input without a line feed', async () => {
    let served = 0;
    const endless = new Readable({
      read() {
        served++;
        this.push(Buffer.alloc(1_024, 0));
      },
    });
    await assert.rejects(async () => {
      for await (const _ of readLines(endless, 100_000)) assert.fail('no line expected');
    }, LineTooLongError);
    assert.ok(served < 200, `read ${served} chunks`);
  });
});
