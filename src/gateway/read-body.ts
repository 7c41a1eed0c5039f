import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** Why a body was not read: answered 413 (too large) or 400 (broken compression, or the client went away). */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  readonly status: 400 | 413;
  constructor(status: 400 | 413, message: string) {
    super(message);
    this.status = status;
  }
}

/** The request's `Content-Encoding`: none, gzip, or one the gateway does not take (returned as written). */
export function contentEncoding(req: IncomingMessage): 'identity' | 'gzip' | string {
  const header = req.headers['content-encoding'];
  if (header === undefined) return 'identity';
  const value = header.trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  return header;
}

/**
 * The body as sent. Past `maxBytes` reading stops and the request is left paused (not
 * destroyed), so that the 413 can still be written before the connection closes.
 */
function collect(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const detach = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const stop = (error: BodyError): void => {
      detach();
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > maxBytes) stop(new BodyError(413, `the body is over the limit of ${maxBytes} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      detach();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
    };
    const onError = (error: Error): void => stop(new BodyError(400, `the body could not be read: ${error.message}`));
    const onClose = (): void => stop(new BodyError(400, 'the connection closed before the body ended'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * Reads the body, at most `maxBytes` as sent and, when gzipped, at most `maxBytes` once
 * decompressed: decompression stops there, so a small body that inflates without end costs
 * no more than `maxBytes` of memory. Throws {@link BodyError}.
 */
export async function readBody(req: IncomingMessage, encoding: 'identity' | 'gzip', maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    throw new BodyError(413, `the body is ${declared} bytes, over the limit of ${maxBytes}`);
  }
  const raw = await collect(req, maxBytes);
  if (encoding === 'identity') return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new BodyError(413, `the body decompresses to more than the limit of ${maxBytes} bytes`);
    }
    throw new BodyError(400, `the gzip body could not be decompressed: ${(error as Error).message}`);
  }
}
