import { after } from 'node:test';
import { type Receiver, type ReceiverOptions, startReceiver } from './receiver.ts';

/**
 * Starts receivers for one test file and closes them all when the file's tests are done:
 * `const receiver = receivers(); const r = await receiver({ respond })`.
 */
export function receivers(): (options?: ReceiverOptions) => Promise<Receiver> {
  const started: Receiver[] = [];
  after(async () => {
    await Promise.all(started.map((r) => r.close()));
  });
  return async (options) => {
    const r = await startReceiver(options);
    started.push(r);
    return r;
  };
}
