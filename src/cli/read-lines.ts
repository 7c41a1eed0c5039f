/** A line longer than the reader allows; reading stops there. */
export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
  /** 1-based. */
  readonly lineNumber: number;

  constructor(lineNumber: number, maxLineBytes: number) {
    super(`line ${lineNumber} is longer than ${maxLineBytes} bytes`);
    this.lineNumber = lineNumber;
  }
}

/**
 * The lines of a byte stream (split at `\n`; a trailing `\r` is left for the caller to trim),
 * decoded as UTF-8 one whole line at a time. Holds at most `maxLineBytes` of a line: a longer
 * one (or endless input without a newline, such as `/dev/zero`) throws
 * {@link LineTooLongError} naming the line, without reading further.
 */
export async function* readLines(stream: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  let pending = 0;
  let lineNumber = 1;
  const tooLong = (): LineTooLongError => new LineTooLongError(lineNumber, maxLineBytes);
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let end = bytes.indexOf(0x0a, start); end !== -1; end = bytes.indexOf(0x0a, start)) {
      if (pending + end - start > maxLineBytes) throw tooLong();
      const piece = bytes.subarray(start, end);
      yield (parts.length === 0 ? piece : Buffer.concat([...parts, piece])).toString('utf8');
      parts = [];
      pending = 0;
      lineNumber++;
      start = end + 1;
    }
    if (start < bytes.length) {
      pending += bytes.length - start;
      if (pending > maxLineBytes) throw tooLong();
      parts.push(bytes.subarray(start));
    }
  }
  if (pending > 0) yield Buffer.concat(parts).toString('utf8');
}
