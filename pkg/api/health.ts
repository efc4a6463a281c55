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
 * Source reachability for `GET /api/health`, answered from memory: each source is asked (bounded by `timeoutMs`)
 * at most once every 10 s, in the background, and the last answer is served meanwhile; only a source never asked
 * before is waited for (once, at most `timeoutMs`). A probe therefore never waits on a slow source or repeats a
 * costly check.
 */
export class HealthChecker {
  private readonly cache = new Map<string, SourceHealthState>();
  private readonly running = new Map<string, Promise<SourceHealthState>>();

  constructor(private readonly timeoutMs: number) {}

  /**
   * The state of `source` at `now` (epoch ms): the last answer, refreshed in the background when older than 10 s;
   * a fresh check only when there is none yet. Never throws: a failing or silent source is `{ ok: false, error }`.
   */
  async check(source: SeriesSource, now: number): Promise<SourceHealthState> {
    const cached = this.cache.get(source.name);
    if (cached && now - cached.lastCheck < HEALTH_CACHE_MS) return cached;
    const fresh = this.refresh(source, now);
    return cached ?? fresh;
  }

  /** Ask `source` now (one check at a time per source) and keep the answer. */
  private refresh(source: SeriesSource, now: number): Promise<SourceHealthState> {
    const running = this.running.get(source.name);
    if (running) return running;
    const p = this.ask(source, now).then((state) => {
      this.cache.set(source.name, state);
      this.running.delete(source.name);
      return state;
    });
    this.running.set(source.name, p);
    return p;
  }

  private async ask(source: SeriesSource, now: number): Promise<SourceHealthState> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SourceError(source.name, `no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs
      );
    });
    try {
      await Promise.race([source.health(), timeout]);
      return { ok: true, lastCheck: now };
    } catch (err) {
      return { ok: false, error: scrubbedMessage(err), lastCheck: now };
    } finally {
      clearTimeout(timer);
    }
  }
}
