/**
 * One registry, for the whole process, of the webhooks that have work the process could end
 * without: one listener per process event however many webhooks are live, added with the
 * first and removed with the last.
 *
 * - `beforeExit` (the event loop ran dry): each webhook may deliver what it still holds.
 * - `exit` (also after `process.exit()`): each webhook counts and reports, synchronously,
 *   what was not delivered.
 * - SIGTERM, SIGINT, SIGHUP: when the application has no handler of its own for the signal,
 *   the same report, then the signal is raised again with the default behaviour restored, so
 *   the process ends as it would have (same exit status). When the application handles the
 *   signal, its handler decides; the `exit` report follows if it exits.
 */

/** What the registry asks of a live webhook. Neither call may throw. */
export interface ExitParticipant {
  /** The event loop ran dry: start delivering what is pending, if this webhook does that. */
  beforeExit(): void;
  /** The process is ending now: count and report what was not delivered. Synchronous. */
  exiting(): void;
}

/** Signals whose default action ends the process and that are commonly sent to stop it. */
export const EXIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * Marks this package's signal listener, across copies of the package loaded side by side, so
 * that they do not take each other for the application's handler.
 */
const OWN_LISTENER = Symbol.for('otel-webhook-exporter.exit-signal-listener');

const live = new Set<ExitParticipant>();

function each(call: (participant: ExitParticipant) => void): void {
  for (const participant of [...live]) {
    try {
      call(participant);
    } catch {
      // Never into the application, least of all while it exits.
    }
  }
}

function onBeforeExit(): void {
  each((participant) => participant.beforeExit());
}

function onExit(): void {
  each((participant) => participant.exiting());
}

function onSignal(signal: NodeJS.Signals): void {
  // Any other listener is the application's own handler: it decides whether and how to exit.
  if (process.listeners(signal).some((listener) => !(OWN_LISTENER in listener))) return;
  onExit();
  process.removeListener(signal, onSignal);
  // No listener left, so Node restores the default action: the process ends by this signal.
  process.kill(process.pid, signal);
}
Object.defineProperty(onSignal, OWN_LISTENER, { value: true });

function install(): void {
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  // First in line: Node removes a `process.once` listener before calling it, so a listener
  // that ran after the application's own `once` handler would no longer see it.
  for (const signal of EXIT_SIGNALS) process.prependListener(signal, onSignal);
}

function uninstall(): void {
  process.removeListener('beforeExit', onBeforeExit);
  process.removeListener('exit', onExit);
  for (const signal of EXIT_SIGNALS) process.removeListener(signal, onSignal);
}

/** Adds a live webhook; the first one installs the process listeners. Idempotent. */
export function watchProcessExit(participant: ExitParticipant): void {
  if (live.has(participant)) return;
  if (live.size === 0) install();
  live.add(participant);
}

/** Removes a webhook; the last one removes the process listeners. Idempotent. */
export function unwatchProcessExit(participant: ExitParticipant): void {
  if (!live.delete(participant)) return;
  if (live.size === 0) uninstall();
}
