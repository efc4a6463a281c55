/**
 * Event-loop time shared out in short slices, so that a busy engine keeps accepting connections.
 *
 * Node's event loop accepts at most one new connection per turn (libuv since 1.45, Node 20: "unix: don't accept()
 * connections in a loop", libuv pull request 3696), and a turn lasts as long as the callbacks it runs. Under 50
 * dashboard clients each holding a keep-alive connection, one turn ran one request of each (about 50 x 3 ms of
 * PromQL over SQLite), so a burst of 50 new connections waited 50 turns, 4-7 s, in the kernel's accept queue before
 * the engine read their first request: the detect p99 and the late health probes of the load benchmark.
 *
 * Requests (all but the health probes) wait for their `turn()` before their handler runs: a turn admits requests in
 * arrival order until `budgetMs` of the loop have been used since its first admission, and leaves the others for
 * the next turn, after the loop has polled again (accepted a connection, read the sockets, run the I/O callbacks).
 * The same work is done in as many turns of about `budgetMs` each instead of one long one; an idle engine admits a
 * request in the turn it arrives.
 */

/** Default share of one event-loop turn, in ms. */
export const LOOP_SHARE_MS = 5;

export class LoopShare {
  /** when the current turn's first admission ran (ms, `now`'s clock); undefined between turns */
  private sliceStart: number | undefined;

  /**
   * @param budgetMs ms of one turn given to admitted requests (the first one of a turn is admitted whatever it costs)
   * @param now a monotonic clock in ms (default `performance.now`)
   * @param defer runs a callback in the check phase of the loop (default `setImmediate`): one queued while the check
   *   phase runs waits for the next turn
   */
  constructor(
    readonly budgetMs: number = LOOP_SHARE_MS,
    private readonly now: () => number = () => performance.now(),
    private readonly defer: (fn: () => void) => void = (fn) => void setImmediate(fn)
  ) {}

  /** Resolves when the caller may run its synchronous work: in this turn when its share is not spent, else later. */
  turn(): Promise<void> {
    return new Promise((resolve) => this.defer(() => this.admit(resolve)));
  }

  private admit(go: () => void): void {
    const t = this.now();
    if (this.sliceStart === undefined) {
      this.sliceStart = t;
      // queued before any admission this turn defers, so the next turn starts with a fresh share
      this.defer(() => {
        this.sliceStart = undefined;
      });
    }
    // each admitted request's synchronous work runs (as microtasks) before the next deferred callback looks at the
    // clock
    if (t === this.sliceStart || t - this.sliceStart < this.budgetMs) go();
    else this.defer(() => this.admit(go));
  }
}
