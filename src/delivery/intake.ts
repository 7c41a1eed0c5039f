import type { DiagLogger } from '@opentelemetry/api';
import { MAX_EVENT_BYTES, type WebhookEvent } from '../records/event.ts';
import type { ByteSink } from '../records/event-sink.ts';
import { writeBytes } from '../records/json-bytes.ts';
import type { Spool } from '../spool/spool.ts';
import type { Backlog } from './backlog.ts';
import { DiskSeqs } from './disk-seqs.ts';
import type { DropReason } from './drops.ts';
import type { EventStore } from './event-store.ts';
import type { DeliveryLedger } from './ledger.ts';
import type { SpoolUsage } from './outcomes.ts';
import type { DeliverySettings, EngineState } from './settings.ts';

/** With `lossy`, a full queue is shed down to this share of its caps. */
const SHED_TO = 0.9;
/** Events read back from the spool per turn of the event loop ahead of the next request (see {@link EventIntake.prefetch}): about 1 ms. */
const PREFETCH_EVENTS = 250;

/** What the intake works with: the engine's parts. */
export interface IntakeParts {
  readonly settings: DeliverySettings;
  readonly log: DiagLogger;
  readonly store: EventStore;
  readonly backlog: Backlog;
  readonly ledger: DeliveryLedger;
  readonly spool: Spool | undefined;
  readonly state: () => EngineState;
  /** An event was queued. */
  readonly queued: () => void;
}

/**
 * How events come into an engine: written straight into its store ({@link begin}, then
 * {@link commit} or {@link abort}), then admitted to the queue, or dropped and counted: a
 * stopped engine, an event larger than the queue, a full queue (with `lossy`, the queue is
 * shed instead: the oldest events below error severity first), a full spool. Every event
 * offered gets a sequence number, taken or not.
 */
export class EventIntake {
  /** Sequence numbers of the events waiting in the spool behind the queue, not in memory. */
  readonly onDisk: DiskSeqs = new DiskSeqs();
  private readonly parts: IntakeParts;
  /** Most bytes of one event's JSON: larger ones are dropped as `too-large`. */
  private readonly eventLimit: number;
  /** `spool.unselected` when last looked at: recovered events it dropped are counted as they are read. */
  private spoolUnselected = 0;
  /** Whether the event being committed was written elsewhere ({@link enqueue}): the spool then checks its bytes. */
  private foreign = false;
  /** The spool's ticket of the event {@link admit} last took. */
  private ticket = -1;
  /** The turn that reads ahead from the spool, while one is due. */
  private prefetching: NodeJS.Immediate | undefined;

  constructor(parts: IntakeParts) {
    this.parts = parts;
    this.eventLimit = Math.min(parts.settings.maxQueueBytes, MAX_EVENT_BYTES);
  }

  /**
   * Why an event would be dropped right away, before it is even written (so that emitting into
   * a stopped webhook or a full queue costs next to nothing), or undefined when it would be taken.
   */
  refusal(): DropReason | undefined {
    const state = this.parts.state();
    if (state === 'gone') return 'gone';
    if (state !== 'running') return 'shutdown';
    const { settings, spool } = this.parts;
    // With a spool, what memory has no room for goes to the spool instead (see commit).
    if (!settings.lossy && spool === undefined && this.parts.backlog.events >= settings.maxQueueEvents) return 'overflow';
    return undefined;
  }

  /** The spool's part of `stats()`; nothing without a spool. */
  spoolUsage(): { spool?: SpoolUsage } {
    const stats = this.parts.spool?.stats();
    return stats === undefined ? {} : { spool: { bytes: stats.bytes, maxBytes: stats.maxBytes, unread: this.onDisk.size } };
  }

  /** Counts a record that did not become a queued event as accepted and dropped. */
  reject(reason: DropReason, message?: string): void {
    if (message !== undefined) this.parts.log.debug(message);
    const { ledger } = this.parts;
    ledger.dropOne(reason, ledger.accept());
  }

  /**
   * Where the next event is written, straight into the engine's memory (see records/event.ts),
   * up to the largest event it takes; then {@link commit} the sink, or {@link abort} it.
   */
  begin(): ByteSink {
    return this.parts.store.begin(this.eventLimit);
  }

  /** Forgets the event being written into `sink` (it could not be written). */
  abort(sink: ByteSink): void {
    this.parts.store.abort(sink);
  }

  /**
   * Takes the event written into `sink`, accepted at `acceptedAt` (epoch ms), or drops and
   * counts it; `type` is what the spool records. Returns why it was dropped, or undefined
   * when it was taken. Never throws.
   */
  commit(sink: ByteSink, type: string, acceptedAt: number, severity: number): DropReason | undefined {
    const { settings: s, store, backlog, ledger } = this.parts;
    const seq = ledger.accept();
    // Behind what is still to be read back, on disk only (the spool decides, as it keeps it so).
    if (this.onDisk.size > 0 || this.parts.spool?.backlogged === true) return this.behindBacklog(sink, type, acceptedAt, severity, seq);
    const full = backlog.events + 1 > s.maxQueueEvents || backlog.bytes + sink.length > s.maxQueueBytes;
    if (full && !s.lossy && this.parts.spool !== undefined) {
      // Memory is full: this event and the next ones wait in the spool alone, read back as the queue has room.
      this.parts.spool.spill();
      return this.behindBacklog(sink, type, acceptedAt, severity, seq);
    }
    const refused = this.admit(sink, type, acceptedAt, severity, full);
    if (refused !== undefined) {
      store.abort(sink);
      ledger.dropOne(refused, seq);
      return refused;
    }
    backlog.push(store.commit(sink, acceptedAt, seq, severity, this.ticket));
    if (full) {
      // Shed a tenth more than needed, so that a long outage sheds once per many events.
      ledger.drop('overflow', backlog.shed(Math.floor(s.maxQueueEvents * SHED_TO), Math.floor(s.maxQueueBytes * SHED_TO)));
      store.compact();
    }
    this.parts.queued();
    return undefined;
  }

  /** {@link commit} of an event written elsewhere (recovered, or made on its own), its JSON copied in. Never throws. */
  enqueue(event: WebhookEvent): void {
    const sink = this.begin();
    try {
      writeBytes(sink, event.json);
    } catch {
      this.abort(sink);
      this.reject('too-large', `event ${event.id} of ${event.json.length} bytes is larger than the queue takes`);
      return;
    }
    this.foreign = true;
    try {
      this.commit(sink, event.type, event.acceptedAt, event.severity);
    } finally {
      this.foreign = false;
    }
  }

  /**
   * The spool's backlog at start, once the spool has found it (see Spool.whenScanned): the
   * events read back at open are queued, the rest stay on disk, accepted now, and come in
   * through {@link refill} as the queue has room, before the events appended behind them while
   * the spool was looking. Returns how many there are.
   */
  recover(): number {
    const { spool, ledger, store, backlog, log } = this.parts;
    if (spool === undefined) return 0;
    ledger.dropAccepted('discarded', spool.unselected);
    this.spoolUnselected = spool.unselected;
    // Every number on disk so far is of an event appended behind the backlog: the spool's `unread` counts them too.
    const unread = Math.max(0, spool.unread - this.onDisk.size);
    const count = spool.recovered.length + unread;
    if (count === 0) return 0;
    for (const event of spool.recovered) backlog.push(store.add(event, ledger.accept()));
    this.onDisk.addFirst(ledger.reserve(unread), unread);
    log.info(`${count} events recovered from the spool`);
    return count;
  }

  /**
   * The endpoint is gone: the events waiting on disk only are dropped as `reason`, and the spool
   * acknowledges them, reading them back a chunk per turn of the event loop (so that no start
   * sends them again).
   */
  dropOnDisk(reason: DropReason, cause: string): void {
    const { spool, ledger } = this.parts;
    if (spool === undefined || this.onDisk.size === 0) return;
    ledger.dropSeqs(reason, this.onDisk.take(this.onDisk.size), cause);
    const acknowledge = (): void => {
      const taken = spool.takeRecovered(1000, 1024 * 1024);
      if (taken.length === 0) return;
      spool.ack(taken.map((event) => event.id));
      setImmediate(acknowledge);
    };
    acknowledge();
  }

  /**
   * Moves events waiting on disk into the queue, up to one batch (the next one sent) and at
   * most `limit`, within the queue's caps; returns how many it moved (or dropped as no longer
   * selected).
   */
  refill(limit: number = Number.POSITIVE_INFINITY): number {
    const { spool, settings: s, backlog, ledger, store } = this.parts;
    // While the spool is still looking for an earlier backlog, what is on disk waits behind it.
    if (spool === undefined || this.onDisk.size === 0 || spool.scanning) return 0;
    const events = Math.min(limit, s.maxQueueEvents - backlog.events, s.maxBatchEvents - backlog.events);
    const bytes = Math.min(s.maxQueueBytes - backlog.bytes, s.maxBatchBytes - backlog.bytes);
    if (events <= 0 || bytes <= 0) return 0;
    const taken = spool.takeRecovered(events, bytes);
    const unselected = spool.unselected - this.spoolUnselected;
    this.spoolUnselected = spool.unselected;
    const seqs = this.onDisk.take(unselected + taken.length);
    for (let i = 0; i < unselected; i++) ledger.dropOne('discarded', seqs[i] as number);
    for (let i = 0; i < taken.length; i++) backlog.push(store.add(taken[i] as WebhookEvent, seqs[unselected + i] as number));
    return unselected + taken.length;
  }

  /**
   * Reads the next batch's events from the spool ahead of its request, {@link PREFETCH_EVENTS}
   * per turn of the event loop, so that no single task reads a whole batch back; the request's
   * own {@link refill} then finds them queued. The immediates are referenced (an unreferenced one
   * waits for something else to wake the loop, such as the answer to the request in flight):
   * they hold the process for the few turns a batch takes at most. `ready` is called once the
   * batch is read (or nothing more can be), unless a reading ahead was under way already.
   */
  prefetch(ready?: () => void): void {
    if (this.prefetching !== undefined) return;
    if (this.onDisk.size === 0) {
      ready?.();
      return;
    }
    this.prefetching = setImmediate(() => {
      this.prefetching = undefined;
      const state = this.parts.state();
      if (state !== 'closed' && state !== 'gone' && this.refill(PREFETCH_EVENTS) > 0) this.prefetch(ready);
      else ready?.();
    });
  }

  /**
   * With a backlog still on disk (left by an earlier process, or spilled when memory was full),
   * a new event goes to the spool behind it (the memory caps do not apply: the spool's own
   * limit does) and comes back through {@link refill}, in order.
   */
  private behindBacklog(sink: ByteSink, type: string, acceptedAt: number, severity: number, seq: number): DropReason | undefined {
    const refused = this.admit(sink, type, acceptedAt, severity, false);
    this.parts.store.abort(sink);
    if (refused !== undefined) {
      this.parts.ledger.dropOne(refused, seq);
      return refused;
    }
    this.onDisk.push(seq);
    this.parts.queued();
    return undefined;
  }

  /**
   * Admits an event about to be queued, writing it to the spool if there is one (it counts as
   * taken only once on disk), or says why it is dropped instead.
   */
  private admit(sink: ByteSink, type: string, acceptedAt: number, severity: number, full: boolean): DropReason | undefined {
    const { settings, spool, store } = this.parts;
    const state = this.parts.state();
    if (state !== 'running') return state === 'gone' ? 'gone' : 'shutdown';
    if (sink.length > this.eventLimit) return 'too-large';
    if (full && !settings.lossy) return 'overflow';
    this.ticket = -1;
    if (spool === undefined) return undefined;
    // Bytes this package's writer wrote go to the spool as they are; others are checked.
    const appended = this.foreign
      ? spool.append(store.pending(sink, type, acceptedAt, severity))
      : spool.appendWritten(sink.buf, sink.start, sink.pos, type, acceptedAt, severity);
    if (!appended) return 'overflow';
    this.ticket = spool.ticket;
    return undefined;
  }
}
