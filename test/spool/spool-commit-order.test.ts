import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DiagLogger } from '@opentelemetry/api';
import { deliverySettings } from '../../src/config/delivery-settings.ts';
import { DeliveryEngine } from '../../src/delivery/engine.ts';
import { createTransport, type WebhookTransport } from '../../src/http/transport.ts';
import { signedSender } from '../../src/pipeline/signed-sender.ts';
import type { WebhookEvent } from '../../src/records/event.ts';
import { eventsOf, sleep } from '../helpers/pipeline.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { resolvedOptions } from '../helpers/resolved.ts';
import { open, event as spoolEvent, tempDir } from '../helpers/spool.ts';

/** Event `i`, accepted now (so that `discard-after` keeps it). */
function event(i: number): WebhookEvent {
  return { ...spoolEvent(i), acceptedAt: Date.now() };
}

/** The ids of the append records in the segment files of `dir`, as they are on disk now. */
function idsOnDisk(dir: string): Set<string> {
  const ids = new Set<string>();
  for (const name of readdirSync(dir).filter((n) => n.startsWith('segment-'))) {
    for (const match of readFileSync(join(dir, name), 'latin1').matchAll(/\t(?:A\t\["|E\t[^\t\n]*\t\{"id":")(\d+)"/g))
      ids.add(match[1] as string);
  }
  return ids;
}

function block(millis: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, millis);
}

const silent: DiagLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} };

describe('spool group commit', () => {
  it('has every event of a body on disk when the body is handed to the transport, even events accepted in the same phase of the event loop', async (t) => {
    const dir = tempDir(t);
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    const throttleMillis = 2000;
    const options = resolvedOptions(receiver.url, { throttleMillis });
    const real = createTransport(options);
    /** Per body handed over: the ids in it not written to the spool at that moment. */
    const missing: string[][] = [];
    const transport: WebhookTransport = {
      send: (body, headers) => {
        const onDisk = idsOnDisk(dir);
        missing.push(
          eventsOf(Buffer.from(body))
            .map((e) => e.id)
            .filter((id) => !onDisk.has(id)),
        );
        return real.send(body, headers);
      },
      close: () => real.close(),
      destroy: () => real.destroy(),
    };
    const { spool } = open(t, dir, { sync: 'batch' });
    const sender = signedSender(transport, () => ({}));
    const delivery = new DeliveryEngine({ settings: deliverySettings(options), sender, log: silent, spool });
    t.after(() => delivery.close(1000));
    delivery.intake.enqueue(event(0));
    await receiver.waitForRequests(1);
    await sleep(20);
    await new Promise<void>((resolve) => {
      setTimeout(() => {
        // The window opened with the first send: the engine's next send is due `throttle` after it,
        // later than the first timer below and earlier than the second.
        for (let i = 1; i <= 10; i++) delivery.intake.enqueue(event(i));
        setTimeout(() => {
          for (let i = 11; i <= 20; i++) delivery.intake.enqueue(event(i));
        }, 1);
        setTimeout(resolve, throttleMillis + 200);
        // All three are due when this returns: they run in one phase, in that order, before the
        // turn ends.
        block(throttleMillis + 300);
      }, 0);
    });
    const requests = await receiver.waitForRequests(2);
    assert.equal(eventsOf(requests[1]?.body as Buffer).length, 20, 'the second body carries the events of that phase');
    assert.deepEqual(missing, [[], []]);
  });

  it('writes a turn that accepts more than a MiB of records as it goes, not all at its end', (t) => {
    const dir = tempDir(t);
    const { spool } = open(t, dir, { sync: 'batch' });
    const padding = 'x'.repeat(1000);
    for (let i = 0; i < 2000; i++) spool.append(spoolEvent(i, `"n":${i},"p":"${padding}"`));
    // Still in the turn that accepted them: about 2 MiB of records, the first MiB or more on disk already.
    const onDisk = idsOnDisk(dir);
    assert.ok(onDisk.size >= 1000 && onDisk.size < 2000, `${onDisk.size} on disk`);
    spool.commit();
    assert.equal(idsOnDisk(dir).size, 2000);
  });
});
