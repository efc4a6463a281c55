/** Default `RunnerDeps.sliceMs`: a run yields to the event loop between series once it has worked for 20 ms. */
export const RUN_SLICE_MS = 20;

/** Let the event loop run its pending I/O and timers (one turn) before going on. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A long task's share of the event loop (a job run, a read of many series): `turn()` between two pieces of work
 * (series) gives the loop a turn once the task has worked for `sliceMs` since the last one, so health probes, queries
 * and other jobs are answered in between. Each piece itself is not cut.
 */
export class RunSlices {
  private started = performance.now();
  constructor(private readonly sliceMs = RUN_SLICE_MS) {}

  /** Resolves at once inside the slice, after one event-loop turn past it. */
  async turn(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    await nextTurn();
    this.started = performance.now();
  }
}
