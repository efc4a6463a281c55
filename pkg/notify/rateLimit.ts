/**
 * A sliding-window rate limit per key: at most `count` events in any `windowMs`. Pure bookkeeping: time comes in,
 * nothing is read from a clock. Memory: at most `count` timestamps per key.
 */
export class SlidingWindowLimit {
  private readonly sent = new Map<string, number[]>();
  constructor(
    readonly count: number,
    readonly windowMs: number
  ) {
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`rate limit count must be >= 1, got ${count}`);
    if (!(windowMs > 0)) throw new RangeError(`rate limit window must be > 0 ms, got ${windowMs}`);
  }

  /** True when one more event under every key fits at `now`. */
  allows(keys: readonly string[], now: number): boolean {
    return keys.every((k) => this.recent(k, now).length < this.count);
  }

  /** Count one event under every key at `now`. */
  record(keys: readonly string[], now: number): void {
    for (const k of keys) {
      const list = this.recent(k, now);
      list.push(now);
      this.sent.set(k, list);
    }
  }

  /** Events counted under `key` in the window ending at `now`. */
  used(key: string, now: number): number {
    return this.recent(key, now).length;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.sent.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.sent.set(key, list);
    else this.sent.delete(key);
    return list;
  }
}
