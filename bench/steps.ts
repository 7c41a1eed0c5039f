/**
 * Steps scenario: CPU nanoseconds per event of each step of the webhook path on its own, for
 * the benchmark record as the SDK hands it to processors — selecting it, turning it into an
 * event, encoding a batch of fresh events into a body, and signing that body. The best of
 * several rounds is kept, which sheds interference from other processes on the machine.
 */

import { resolveWebhookOptions } from '../src/config/resolve-options.ts';
import { encodeBatch } from '../src/delivery/encode.ts';
import { sign } from '../src/http/sign.ts';
import { integerIdKeys } from '../src/records/catalog.ts';
import { toWebhookEvent, type WebhookEvent } from '../src/records/event.ts';
import { compileEventMatcher } from '../src/records/match.ts';
import { selectRecord } from '../src/records/select.ts';
import { reportResult, scenarioParams } from './measure.ts';
import { BENCH_EVENT_TYPE, BENCH_SIGNATURE_KEY, sdkRecord } from './record.ts';
import type { StepsParams, StepsResult } from './types.ts';

const params = scenarioParams<StepsParams>();

/** Least CPU time per item over `rounds` runs of `run`, which handles `items` items. */
function cpuNanosPerItem(items: number, run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < params.rounds; round++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    best = Math.min(best, ((used.user + used.system) * 1000) / items);
  }
  return best;
}

const record = sdkRecord();
const options = resolveWebhookOptions({ id: 'steps', url: 'http://127.0.0.1:9/', events: ['auth.*'] });
const selecting = compileEventMatcher(['auth.*']);
const filtering = compileEventMatcher(['delivery.*']);
const sink: unknown[] = new Array(1024);
const perRound = params.events;
/** Batches encoded before timing, so the encoder runs optimized like in a long-lived process. */
const ENCODE_WARMUP = 20;

const events = (): WebhookEvent[] => Array.from({ length: params.batch }, () => toWebhookEvent(record, BENCH_EVENT_TYPE, 9, integerIdKeys));
let body = encodeBatch(events());

const result: StepsResult = {
  selectFiltered: cpuNanosPerItem(perRound, () => {
    for (let i = 0; i < perRound; i++) sink[i & 1023] = selectRecord(record, options, filtering);
  }),
  selectMatched: cpuNanosPerItem(perRound, () => {
    for (let i = 0; i < perRound; i++) sink[i & 1023] = selectRecord(record, options, selecting);
  }),
  toEvent: cpuNanosPerItem(perRound, () => {
    for (let i = 0; i < perRound; i++) sink[i & 1023] = toWebhookEvent(record, BENCH_EVENT_TYPE, 9, integerIdKeys);
  }),
  // Fresh events for every batch: a queue sends each event once, soon after it was made.
  encode: (() => {
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ENCODE_WARMUP; round++) body = encodeBatch(events());
    for (let round = 0; round < params.rounds * 3; round++) {
      const batch = events();
      const start = process.cpuUsage();
      body = encodeBatch(batch);
      const used = process.cpuUsage(start);
      best = Math.min(best, ((used.user + used.system) * 1000) / batch.length);
    }
    return best;
  })(),
  sign: cpuNanosPerItem(params.batch, () => {
    sink[0] = sign(body, BENCH_SIGNATURE_KEY);
  }),
  batch: params.batch,
  bodyBytes: body.length,
};
reportResult(result);
