/**
 * Answers to identical ad-hoc requests shared: dashboards viewed by many people send the same query at the same
 * time. Requests with the same key while one is computed wait for it (single flight); a finished answer is reused
 * for `ttlMs` (default 5 s, Grafana's shortest refresh), within `maxBytes` of answers (least recently used go
 * first). Failures are never kept. A computation whose every caller has gone (each caller's signal aborted) is told
 * so through its own signal, so the work nobody waits for can be dropped.
 */
export class ResultCache {
  private readonly inFlight = new Map<string, { promise: Promise<string>; gone: AbortController; waiters: number }>();
  private readonly done = new Map<string, { text: string; at: number }>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttlMs = 5_000,
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * The answer for `key`: kept, being computed, or computed now by `compute`. `signal` is the caller's: when it aborts,
   * the caller stops counting as a waiter, and when no waiter is left the computation's signal aborts. A caller
   * without a signal waits for sure.
   */
  async get(key: string, compute: (signal: AbortSignal) => Promise<string>, signal?: AbortSignal): Promise<string> {
    const kept = this.done.get(key);
    if (kept && this.now() - kept.at < this.ttlMs) {
      // least recently used last
      this.done.delete(key);
      this.done.set(key, kept);
      this.hits++;
      return kept.text;
    }
    if (kept) this.drop(key);
    const running = this.inFlight.get(key);
    if (running) {
      this.hits++;
      return this.wait(running, signal);
    }
    this.misses++;
    const gone = new AbortController();
    const entry = {
      gone,
      waiters: 0,
      promise: compute(gone.signal).then(
        (text) => {
          this.inFlight.delete(key);
          this.keep(key, text);
          return text;
        },
        (err: unknown) => {
          this.inFlight.delete(key);
          throw err;
        }
      ),
    };
    this.inFlight.set(key, entry);
    return this.wait(entry, signal);
  }

  private async wait(
    entry: { promise: Promise<string>; gone: AbortController; waiters: number },
    signal?: AbortSignal
  ): Promise<string> {
    entry.waiters++;
    if (!signal) return entry.promise;
    const leave = () => {
      if (--entry.waiters === 0) entry.gone.abort();
    };
    if (signal.aborted) leave();
    else signal.addEventListener('abort', leave, { once: true });
    try {
      return await entry.promise;
    } finally {
      signal.removeEventListener('abort', leave);
    }
  }

  private keep(key: string, text: string): void {
    if (this.ttlMs <= 0 || text.length > this.maxBytes) return;
    this.done.set(key, { text, at: this.now() });
    this.bytes += text.length;
    for (const k of this.done.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(k);
    }
  }

  private drop(key: string): void {
    const e = this.done.get(key);
    if (!e) return;
    this.bytes -= e.text.length;
    this.done.delete(key);
  }
}
