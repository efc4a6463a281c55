import { SourceError } from '../core/errors';
import { scrubbedMessage } from '../core/scrub';
import type { SeriesSource } from '../sources/types';

/** What the engine last learnt about one source's reachability. */
export interface SourceHealthState {
  ok: boolean;
  error?: string;
  /** epoch ms of the check */
  lastCheck: number;
}

/** How long a source's answer is reused before asking it again (ms). */
export const HEALTH_CACHE_MS = 10_000;

/**
 * Source reachability for `GET /api/health`: asks each source (bounded by `timeoutMs`) at most once every
 * 10 s and keeps the answers.
 */
export class HealthChecker {
  private readonly cache = new Map<string, SourceHealthState>();

  constructor(private readonly timeoutMs: number) {}

  /**
   * The state of `source` at `now` (epoch ms): the cached answer when younger than 10 s, else a fresh check.
   * Never throws: a failing or silent source is `{ ok: false, error }`.
   */
  async check(source: SeriesSource, now: number): Promise<SourceHealthState> {
    const cached = this.cache.get(source.name);
    if (cached && now - cached.lastCheck < HEALTH_CACHE_MS) return cached;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SourceError(source.name, `no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs
      );
    });
    let state: SourceHealthState;
    try {
      await Promise.race([source.health(), timeout]);
      state = { ok: true, lastCheck: now };
    } catch (err) {
      state = { ok: false, error: scrubbedMessage(err), lastCheck: now };
    } finally {
      clearTimeout(timer);
    }
    this.cache.set(source.name, state);
    return state;
  }
}
