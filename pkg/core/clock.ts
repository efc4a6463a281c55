/** Injected time source so schedulers and tests agree on "now". */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * Real milliseconds that `ms` on this clock last (default: the same); a clock that runs faster than real time
   * (tests) divides. Used where a wait is handed to something outside the process, such as a job queue's start time.
   */
  realMs?(ms: number): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
