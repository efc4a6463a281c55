import { createSeries, type Labels, type Series } from '../../pkg/core/series';
import type { Clock } from '../../pkg/core/clock';
import type { SourceQuery } from '../../pkg/contract/sources';
import type { SeriesSource } from '../../pkg/sources/types';

/**
 * Test helpers for the service: a manual clock whose timers fire when time is advanced, and an in-memory source.
 * Used by unit and integration tests; not used by the running service.
 */
export class ManualClock implements Clock {
  private timers: { id: number; at: number; fn: () => void }[] = [];
  private nextId = 1;
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  /** Number of pending timers. */
  pending(): number {
    return this.timers.length;
  }
  /** Advance time by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/** Let pending promise callbacks run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * An in-memory source: `generate(labels, t)` gives the value at each grid time. Records every fetch; `fail`
 * makes fetches throw; `delayMs` (real time) makes them slow.
 */
export class MemorySeriesSource implements SeriesSource {
  readonly fetches: { from: number; to: number; intervalMs: number }[] = [];
  fail: Error | undefined;
  gate: Promise<void> | undefined;
  constructor(
    readonly name: string,
    readonly type: SourceQuery['type'],
    private readonly series: Labels[],
    private readonly generate: (labels: Labels, t: number) => number
  ) {}
  async fetch(_q: SourceQuery, from: number, to: number, intervalMs: number): Promise<Series[]> {
    this.fetches.push({ from, to, intervalMs });
    if (this.gate) await this.gate;
    if (this.fail) throw this.fail;
    const start = Math.ceil(from / intervalMs) * intervalMs;
    return this.series.map((labels) => {
      const ts: number[] = [];
      const vs: number[] = [];
      for (let t = start; t <= to; t += intervalMs) {
        ts.push(t);
        vs.push(this.generate(labels, t));
      }
      return createSeries(labels, ts, vs);
    });
  }
  async health(): Promise<void> {
    if (this.fail) throw this.fail;
  }
}

/**
 * A clock that starts at `startMs` and runs `speed` times faster than real time, with real timers shortened to
 * match: lets a real engine run a job with a 5-minute interval over historical data every few seconds.
 */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();
  constructor(
    private readonly startMs: number,
    private readonly speed: number
  ) {}
  now(): number {
    return this.startMs + (Date.now() - this.realStart) * this.speed;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const t = setTimeout(fn, Math.max(0, ms / this.speed));
    t.unref();
    return t;
  }
  clearTimeout(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  }
  realMs(ms: number): number {
    return ms / this.speed;
  }
}
